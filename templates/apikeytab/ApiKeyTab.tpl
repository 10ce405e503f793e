<crm-angular-js modules="crmApiKey">
  <crm-api-key-tab contact-id="{$block.contact_id|@json|escape}" has-key="{$block.has_key|@json|escape}" can-view="{$block.can_view|@json|escape}" key-hint="{$block.key_hint|@json|escape}" last-change="{$block.last_change|@json|escape}"></crm-api-key-tab>
</crm-angular-js>
