{* The tab entry is $block on CiviCRM 6.x and $tabValue on 5.x (the loop variable of the contact summary); each names the tab being rendered only when its id is ours. Smarty 2 to 5: isset, eq, assign and the |@json|escape modifiers only. *}
{if isset($block.id) and $block.id eq 'apikey'}{assign var='apiKeyTab' value=$block}{else}{assign var='apiKeyTab' value=$tabValue}{/if}
<crm-angular-js modules="crmApiKey">
  <crm-api-key-tab
    contact-id="{$apiKeyTab.contact_id|@json|escape}"
    has-key="{$apiKeyTab.has_key|@json|escape}"
    can-view="{$apiKeyTab.can_view|@json|escape}"
    key-hint="{$apiKeyTab.key_hint|@json|escape}"
    last-change="{$apiKeyTab.last_change|@json|escape}"
    can-edit="{$apiKeyTab.can_edit|@json|escape}"
    in-trash="{$apiKeyTab.in_trash|@json|escape}"
    site-time="{$apiKeyTab.site_time|@json|escape}"
    lifecycle="{$apiKeyTab.lifecycle|@json|escape}"
    token="{$apiKeyTab.token|@json|escape}"
  ></crm-api-key-tab>
</crm-angular-js>
