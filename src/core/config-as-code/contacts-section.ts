/**
 * The `contacts` section of `vigil.yaml`: contact methods and notification rules carried over by an
 * import (`vigil import opsgenie|pagerduty`), so people are reachable the moment the import ends.
 *
 * ```yaml
 * contacts:
 *   - user: ada@example.com
 *     importedFrom: OpsGenie           # where they were verified
 *     methods:
 *       - { type: email, address: ada@example.com }
 *       - { type: sms, address: "+4915112345678" }
 *     rules:                           # notify through a method N minutes after a page starts
 *       - { urgency: high, type: sms, address: "+4915112345678", delayMinutes: 5 }
 * ```
 *
 * Methods are added when missing (matched by type and address) and never removed. The source had
 * verified them, so they are usable for paging at once, marked as imported until their owner confirms
 * them; an admin can require re-verification instead (`PUT /api/v1/settings/imports`). Each person
 * who got something new receives one message listing it, with a link to confirm or change it.
 */
import { importContacts, type ImportedContactsInput } from '../notifications/notifications.js';
import { checkFields, expectList, type ConfigSection } from './config-as-code.js';

export const contactsSection: ConfigSection = {
  key: 'contacts',
  order: 15,
  validate(value, problems) {
    expectList(value, 'contacts', problems).forEach((c, i) => {
      const path = `contacts[${i}]`;
      checkFields(c, path, { user: 'string', importedFrom: 'string?', methods: 'any?', rules: 'any?' }, problems);
      expectList(c.methods ?? [], `${path}.methods`, problems).forEach((m, j) => checkFields(m, `${path}.methods[${j}]`, { type: 'string', address: 'string', label: 'string?' }, problems));
      expectList(c.rules ?? [], `${path}.rules`, problems).forEach((m, j) =>
        checkFields(m, `${path}.rules[${j}]`, { urgency: 'string', type: 'string', address: 'string', delayMinutes: 'number' }, problems),
      );
    });
  },
  async apply(r, value, ctx) {
    for (const item of value as ImportedContactsInput[]) {
      const added = await importContacts(r, ctx.actor, item, ctx.now);
      ctx.record({ key: item.user, action: added.methods + added.rules > 0 ? 'create' : 'unchanged', ...(added.methods + added.rules > 0 ? { changes: added } : {}) });
    }
  },
  async export() {
    return undefined; // contact methods belong to their owners; they are not part of the exported configuration
  },
};
