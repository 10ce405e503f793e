<crm-angular-js modules="crmApiKeyOverview">
  <crm-api-key-overview></crm-api-key-overview>
</crm-angular-js>
