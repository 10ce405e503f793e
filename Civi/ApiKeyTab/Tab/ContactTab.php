<?php

namespace Civi\ApiKeyTab\Tab;

use Civi\Api4\Activity;
use Civi\Api4\Contact;
use Civi\Core\Event\GenericHookEvent;
use Civi\ApiKeyTab\Audit\KeyAudit;
use Civi\ApiKeyTab\Lifecycle\TabFacts;
use Civi\ApiKeyTab\SiteTime;
use Civi\ApiKeyTab\Token\TokenFacts;
use Civi\Core\Service\AutoSubscriber;

/**
 * Puts the "API Key" tab on the contact summary, for viewers who may change that contact's key
 * (read-only for those who may read keys but not edit the contact).
 *
 * Hiding the tab is a courtesy, not the lock: core's Contact BAO applies the same rules to every
 * write of api_key, so the checks here only have to agree with it.
 */
class ContactTab extends AutoSubscriber {

  private const TABSET = 'civicrm/contact/view';

  private const MODULE = 'crmApiKey';

  public static function getSubscribedEvents(): array {
    return [
      'hook_civicrm_tabset' => 'onTabset',
    ];
  }

  public function onTabset(GenericHookEvent $event): void {
    if ($event->tabsetName !== self::TABSET) {
      return;
    }
    $context = $event->context;
    $tabs = &$event->tabs;

    // The Contact Layout editor asks with contact_id 0 and a caller: it arranges tabs, so it gets
    // the entry alone; there is no contact to look up and no page to load the module into.
    if (!empty($context['caller'])) {
      $tabs[] = self::tab();
      return;
    }

    $contactId = (int) ($context['contact_id'] ?? 0);
    if ($contactId <= 0) {
      return;
    }
    $canView = self::mayReadKeys();
    if (!$canView && !self::mayChangeOwnKey($contactId)) {
      return;
    }

    // Without permission checks: the viewer may be a self-service user, for whom APIv4 leaves
    // api_key out of the record, and the tab still has to say whether a key is set. A get by id
    // finds a trashed contact too (APIv4 adds is_deleted = FALSE only to other queries), and
    // is_deleted rides along in the same query.
    try {
      $contact = Contact::get(FALSE)
        ->addSelect('api_key', 'is_deleted')
        ->addWhere('id', '=', $contactId)
        ->execute()
        ->first() ?? [];
    }
    catch (\Throwable $e) {
      // As for the last change below: a failing lookup costs the tab, never the contact summary.
      \Civi::log()->error('apikeytab: whether contact {contact} has an API key could not be read: {cause}', [
        'contact' => $contactId,
        'cause' => get_class($e) . ': ' . $e->getMessage(),
      ]);
      return;
    }
    $key = $contact['api_key'] ?? NULL;
    $hasKey = $key !== NULL && $key !== '';

    $tabs[] = self::tab() + [
      'count' => $hasKey ? 1 : 0,
      'template' => 'apikeytab/ApiKeyTab.tpl',
    ] + self::inertToAngular([
      'contact_id' => $contactId,
      'has_key' => $hasKey,
      'can_view' => $canView,
      // Only the last 4 characters ever leave the server with the page, and only to viewers who
      // could read the whole key anyway. Keys set by other means may hold multibyte characters.
      'key_hint' => ($hasKey && $canView) ? mb_substr($key, -4, NULL, 'UTF-8') : NULL,
      'last_change' => self::lastChange($contactId),
      // Core refuses every change of the key without edit access to the contact (wire 38), on top
      // of the key rules that let the viewer this far: such viewers get the tab read-only.
      'can_edit' => self::mayEditContact($contactId),
      // A trashed contact's key still authenticates (wire 35) until it is revoked.
      'in_trash' => !empty($contact['is_deleted']),
      'site_time' => SiteTime::binding(),
      // Last use, expiry and the site's expiry policy (issues 12 and 13): one query by contact id.
      'lifecycle' => TabFacts::forContact($contactId, $key, $canView),
      // Temporary tokens (issue 14): null unless the viewer may create them; whether the site signs.
      'token' => TokenFacts::forViewer(),
    ]);
    \Civi::service('angularjs.loader')->addModules([self::MODULE]);
  }

  /**
   * When and by whom the key was last changed: the newest activity KeyAudit recorded on the contact.
   *
   * Explicit joins through ActivityContact, because Activity's source_contact_id is a pseudo-field:
   * selecting source_contact_id.display_name is silently dropped from the result.
   *
   * @return array{date: string, by: ?string}|null
   *   `by` is NULL when the contact who made the change has since been deleted.
   */
  private static function lastChange(int $contactId): ?array {
    try {
      $activity = Activity::get(FALSE)
        ->addSelect('activity_date_time', 'source.display_name')
        ->addJoin('Contact AS target', 'INNER', 'ActivityContact', ['id', '=', 'target.activity_id'], ['target.record_type_id:name', '=', '"Activity Targets"'])
        ->addJoin('Contact AS source', 'LEFT', 'ActivityContact', ['id', '=', 'source.activity_id'], ['source.record_type_id:name', '=', '"Activity Source"'])
        ->addWhere('activity_type_id:name', '=', KeyAudit::ACTIVITY_TYPE)
        ->addWhere('target.id', '=', $contactId)
        ->addOrderBy('activity_date_time', 'DESC')
        ->addOrderBy('id', 'DESC')
        ->setLimit(1)
        ->execute()
        ->first();
    }
    catch (\Throwable $e) {
      // The tabset hook runs for the whole contact summary: a failing lookup must cost this line
      // of the tab, not the page.
      \Civi::log()->error('apikeytab: the last API key change of contact {contact} could not be read: {cause}', [
        'contact' => $contactId,
        'cause' => get_class($e) . ': ' . $e->getMessage(),
      ]);
      return NULL;
    }
    if ($activity === NULL) {
      return NULL;
    }
    return ['date' => $activity['activity_date_time'], 'by' => $activity['source.display_name'] ?? NULL];
  }

  /**
   * Whether the viewer may edit the contact at all: what an APIv4 update checks before it writes
   * any field (ACLs, `edit all contacts`, `edit my contact` on one's own, relationships), so also
   * what a change of the key needs. Unknown counts as no: the tab then shows read-only, and core
   * would have the last word anyway.
   */
  private static function mayEditContact(int $contactId): bool {
    try {
      return (bool) \CRM_Contact_BAO_Contact_Permission::allow($contactId, \CRM_Core_Permission::EDIT);
    }
    catch (\Throwable $e) {
      \Civi::log()->error('apikeytab: whether the viewer may edit contact {contact} could not be decided: {cause}', [
        'contact' => $contactId,
        'cause' => get_class($e) . ': ' . $e->getMessage(),
      ]);
      return FALSE;
    }
  }

  /**
   * Breaks every "{{" in the strings bound to the component.
   *
   * AngularJS interpolates {{ }} in every attribute of the element before the one-way binding
   * parses it, and neither |@json nor |escape touches braces: a contact named
   * "{{constructor.constructor('alert(1)')()}}" would run code in the viewer's browser. An
   * expression needs an unbroken "{{", so a zero-width space after each "{" that another "{"
   * follows leaves none (the look-ahead also catches runs like "{{{"), and the text looks the same.
   * JSON itself never puts two braces together, so the strings are the only source. Byte-wise, so
   * that a value that is not valid UTF-8 passes through untouched: "{" never occurs inside a
   * multibyte character.
   */
  private static function inertToAngular(array $bindings): array {
    array_walk_recursive($bindings, function (&$value): void {
      if (is_string($value)) {
        $value = preg_replace('/\{(?=\{)/', "{\u{200B}", $value);
      }
    });
    return $bindings;
  }

  private static function tab(): array {
    return [
      'id' => 'apikey',
      'title' => ts('API Key', ['domain' => 'apikeytab']),
      'icon' => 'crm-i fa-key',
      'weight' => 900,
    ];
  }

  /**
   * Whether the viewer may read (and so also change) any contact's key: the permissions for which
   * APIv4 returns api_key at all.
   */
  private static function mayReadKeys(): bool {
    return \CRM_Core_Permission::check('administer CiviCRM')
      || \CRM_Core_Permission::check('edit api keys');
  }

  private static function mayChangeOwnKey(int $contactId): bool {
    // Older cores return the session's raw value, which may be a numeric string.
    $self = \CRM_Core_Session::getLoggedInContactID();
    return $self !== NULL
      && (int) $self === $contactId
      && \CRM_Core_Permission::check('edit own api keys');
  }

}
