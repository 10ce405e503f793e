<?php
// The expiry reminder's message (Civi\ApiKeyTab\Lifecycle\ExpiryReminder), a workflow template the
// site can edit under Mailings > Message Templates > System Workflow Messages, like core's own:
// - the default copy (is_default) is what CiviCRM sends and what the site edits; update 'unmodified'
//   keeps the site's edits through upgrades of the extension;
// - the reserved copy (is_reserved) is the original, for "Revert to Default".
// Variables: {$contactName}, {$expiresOn} (in the site's date format), {$daysLeft} (calendar days from
// today; not in the default wording, which would need plural forms), {$contactUrl}.
// Nothing of the key is ever passed to it.
$subject = ts('The API key of {$contactName} expires on {$expiresOn}', ['domain' => 'apikeytab']);
$text = ts('The API key of {$contactName} expires on {$expiresOn}. After that, every request that uses it will be refused.', ['domain' => 'apikeytab'])
  . "\n\n" . ts('If the key is still needed, open the API Key tab of the contact and choose a later expiry, or make a new key for whatever uses it:', ['domain' => 'apikeytab'])
  . "\n{\$contactUrl}\n\n"
  . ts('You receive this message because you set this key or because it belongs to you. It does not contain the key.', ['domain' => 'apikeytab']) . "\n";
$html = '<p>' . ts('The API key of {$contactName|escape} expires on {$expiresOn|escape}. After that, every request that uses it will be refused.', ['domain' => 'apikeytab']) . '</p>'
  . "\n<p>" . ts('If the key is still needed, open the API Key tab of the contact and choose a later expiry, or make a new key for whatever uses it:', ['domain' => 'apikeytab'])
  . ' <a href="{$contactUrl|escape}">{$contactUrl|escape}</a></p>'
  . "\n<p>" . ts('You receive this message because you set this key or because it belongs to you. It does not contain the key.', ['domain' => 'apikeytab']) . "</p>\n";

$template = [
  'workflow_name' => 'apikeytab_expiry_reminder',
  'msg_title' => ts('API Key Tab - Expiry reminder', ['domain' => 'apikeytab']),
  'msg_subject' => $subject,
  'msg_text' => $text,
  'msg_html' => $html,
  'is_active' => TRUE,
];

return [
  [
    'name' => 'MessageTemplate_apikeytab_expiry_reminder',
    'entity' => 'MessageTemplate',
    'cleanup' => 'always',
    'update' => 'unmodified',
    'params' => [
      'version' => 4,
      'values' => $template + ['is_default' => TRUE, 'is_reserved' => FALSE],
      'match' => ['workflow_name', 'is_reserved'],
    ],
  ],
  [
    'name' => 'MessageTemplate_apikeytab_expiry_reminder_reserved',
    'entity' => 'MessageTemplate',
    'cleanup' => 'always',
    'update' => 'always',
    'params' => [
      'version' => 4,
      'values' => $template + ['is_default' => FALSE, 'is_reserved' => TRUE],
      'match' => ['workflow_name', 'is_reserved'],
    ],
  ],
];
