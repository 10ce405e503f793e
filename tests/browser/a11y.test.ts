// axe-core on the tab in each state a user meets, the confirmation dialog included.
import { it } from 'vitest';
import { expectAccessible } from './support/axe';
import { eventually, useDemoInChromium } from './support/browser';

const ui = useDemoInChromium();
const JANE = 3;
const KIM = 5;

it('has no axe violations as the administrator goes through the states of a key', async () => {
  await ui.control.setKey(JANE, null);
  const tab = await ui.openTab('admin', JANE);
  await expectAccessible(tab.page, 'no key');

  await tab.button('Generate key').click();
  await tab.shownKey();
  await expectAccessible(tab.page, 'shown after generate');

  await tab.button('Hide key').click();
  await tab.maskedKey.waitFor();
  await expectAccessible(tab.page, 'masked');

  await tab.panel.getByText('How to use this key', { exact: true }).click();
  await expectAccessible(tab.page, 'usage help open');

  await tab.button('Regenerate key').click();
  await tab.dialog.waitFor();
  await expectAccessible(tab.page, 'confirming (dialog open)', ['#contact-apikey', '.ui-dialog']);
  await tab.dialogButton('Cancel').click();

  await tab.armFault({ fault: '403' });
  await tab.button('Revoke key').click();
  await tab.dialogButton('Revoke').click();
  await eventually(() => tab.alert.innerText()).toContain('The key was not changed.');
  await expectAccessible(tab.page, 'failed with an alert');

  await tab.button('Enter a key').click();
  await tab.typedKeyField.fill('not a key');
  await tab.button('Save key').click();
  await eventually(() => tab.typedKeyError.innerText()).toContain('Remove the spaces');
  await expectAccessible(tab.page, 'entering a key, with an error');
});

it('has no axe violations for a user who cannot read their key', async () => {
  await ui.control.setKey(KIM, 'KimKeyKimKeyKimKeyKimKeyKimKey01');
  const tab = await ui.openTab('self', KIM);
  await eventually(() => tab.text()).toContain('It cannot be displayed again.');
  await expectAccessible(tab.page, 'unreadable (self)');
});

it('has no axe violations on the read-only tab of a viewer who cannot edit the contact', async () => {
  await ui.control.setKey(JANE, 'JaneA11yReadOnly0123456789abcdXy');
  const tab = await ui.openTab('reader', JANE);
  await eventually(() => tab.text()).toContain('You cannot edit this contact');
  await expectAccessible(tab.page, 'read-only (reader)');
  await tab.button('Show key').click();
  await tab.shownKey();
  await expectAccessible(tab.page, 'read-only, key shown');
});

it('has no axe violations on the tab of a contact in the trash', async () => {
  await ui.control.setKey(JANE, 'JaneA11yTrashed0123456789abcdeXy');
  await ui.control.trash(JANE, true);
  try {
    const tab = await ui.openTab('admin', JANE);
    await eventually(() => tab.text()).toContain('This contact is in the trash.');
    await expectAccessible(tab.page, 'in the trash');
  } finally {
    await ui.control.trash(JANE, false);
  }
});
