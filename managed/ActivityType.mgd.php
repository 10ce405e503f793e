<?php
// The activity types the extension records (mixin mgd-php@1.0.0 finds managed/*.mgd.php):
// - apikeytab_key_changed: KeyAudit, every API key generated, replaced, revoked or expired;
// - apikeytab_token_issued: Civi\ApiKeyTab\Token\TokenAudit, every temporary token issued. Its own
//   type: the tab's "Last changed" is the newest key-change activity, and a token changes no key.
// Both reserved, so that nobody renames or deletes them through the admin screens while the trail
// relies on their names; filter 1, so that they stay out of "New Activity" menus (core lists only
// filter 0 types there): people do not log these by hand. cleanup 'unused': uninstalling keeps a
// type while any activity still uses it, so the trail does not lose its type.
$activityType = fn (string $name, string $label, string $description, string $icon): array => [
  'name' => 'OptionValue_activity_type_' . $name,
  'entity' => 'OptionValue',
  'cleanup' => 'unused',
  'update' => 'unmodified',
  'params' => [
    'version' => 4,
    'values' => [
      'option_group_id.name' => 'activity_type',
      'name' => $name,
      'label' => $label,
      'description' => $description,
      'icon' => $icon,
      'filter' => 1,
      'is_reserved' => TRUE,
      'is_active' => TRUE,
    ],
    'match' => ['option_group_id', 'name'],
  ],
];

return [
  $activityType(
    'apikeytab_key_changed',
    ts('API Key Changed', ['domain' => 'apikeytab']),
    ts('The API key of the contact was generated, replaced or revoked.', ['domain' => 'apikeytab']),
    'fa-key'
  ),
  $activityType(
    'apikeytab_token_issued',
    ts('Temporary Token Issued', ['domain' => 'apikeytab']),
    ts('A temporary API token (valid for a limited time, not revocable) was issued for the contact.', ['domain' => 'apikeytab']),
    'fa-clock-o'
  ),
];
