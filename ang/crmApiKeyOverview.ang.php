<?php
// The crmApiKeyOverview Angular module: the key overview page (CRM_ApiKeyTab_Page_KeyOverview).
// basePages is empty so the module loads only where that page asks for it.
return [
  'js' => ['js/crmApiKeyOverview.js'],
  'css' => ['css/crmApiKey.css'],
  'partials' => ['ang/crmApiKeyOverview'],
  'requires' => ['crmResource', 'api4'],
  'basePages' => [],
];
