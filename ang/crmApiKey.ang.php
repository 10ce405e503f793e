<?php
// The crmApiKey Angular module: the API Key tab on the contact summary.
// basePages is empty so the module loads only where the tab's template asks for it.
return [
  'js' => ['js/crmApiKey.js'],
  'css' => ['css/crmApiKey.css'],
  'partials' => ['ang/crmApiKey'],
  'requires' => ['crmResource', 'api4'],
  'basePages' => [],
];
