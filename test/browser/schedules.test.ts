/**
 * Schedules in the web app, as a team uses them: an admin creates a weekly three-person rotation
 * through the form, finds it on the list and the timeline, adds an override, sees who is on call
 * on Home; a responder offers a shift and another takes it, and the final schedule follows.
 *
 * Real server (SQLite) on the real clock, so expectations (who is on call now) come from the API.
 * The browser runs in America/New_York while the schedule lives in Europe/Berlin, so the UI must
 * keep the two apart.
 */
import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { ensureWebBuilt, HAVE_BROWSER, hidden, launchBrowser, onPath, screenshot, visible, reportMissingBrowser } from './browser.js';

reportMissingBrowser('web UI: schedules');

const ZONE = 'Europe/Berlin';
const VIEWER_ZONE = 'America/New_York';
const PASSWORD = 'rotation-secret-pw';
const PEOPLE = [
  { name: 'Ann Lee', email: 'ann@example.com' },
  { name: 'Ben Ode', email: 'ben@example.com' },
  { name: 'Cy Park', email: 'cy@example.com' },
];

const esc = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/** A datetime-local value in the schedule's zone. */
const local = (d: DateTime): string => d.setZone(ZONE).toFormat("yyyy-MM-dd'T'HH:mm");

describe.skipIf(!HAVE_BROWSER)('web UI: schedules', () => {
  let app: TestApp;
  let browser: Browser;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    await ensureWebBuilt();
    [app, browser] = await Promise.all([startTestApp({ dialect: 'sqlite' }), launchBrowser()]);
    for (const p of PEOPLE) {
      const res = await app.api('POST', '/api/v1/users', { body: { ...p, role: 'responder', timeZone: ZONE, password: PASSWORD } });
      expect(res.status).toBe(201);
      ids[p.name] = res.body.id;
    }
    const team = await app.api('POST', '/api/v1/teams', { body: { name: 'Payments', memberIds: Object.values(ids) } });
    expect(team.status).toBe(201);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  async function newPage(): Promise<{ context: BrowserContext; page: Page; errors: string[] }> {
    const context = await browser.newContext({ baseURL: app.baseUrl, viewport: { width: 1360, height: 900 }, timezoneId: VIEWER_ZONE, locale: 'en-US' });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (err) => errors.push(err.message));
    page.on('console', (msg) => {
      if (msg.type() === 'error' && !/Failed to load resource/.test(msg.text())) errors.push(msg.text());
    });
    return { context, page, errors };
  }

  async function signIn(page: Page, email: string, password: string, path = '/'): Promise<void> {
    await page.goto(path);
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await visible(page.getByRole('navigation', { name: 'Main' }));
  }

  const finalRow = (page: Page) => page.getByRole('group', { name: 'Final schedule' });

  async function onCallNow(): Promise<string> {
    const res = await app.api('GET', '/api/v1/schedules/payments-primary/oncall');
    expect(res.status).toBe(200);
    expect(res.body.gap).toBe(false);
    return res.body.onCall[0].user.name as string;
  }

  it('creates a weekly rotation through the form, shows it on the list and the timeline, and takes an override', { timeout: 120_000 }, async () => {
    const { context, page, errors } = await newPage();
    await signIn(page, app.adminEmail, app.adminPassword);
    const nav = page.getByRole('navigation', { name: 'Main' });

    await nav.getByRole('link', { name: 'Schedules' }).click();
    await onPath(page, '/schedules');
    await visible(page.getByRole('heading', { name: 'No schedules yet' }));

    // The form: name, team, zone, and one weekly layer of three people handing off Mondays 09:00.
    await page.getByRole('button', { name: 'New schedule' }).click();
    const dialog = await visible(page.getByRole('dialog', { name: 'New schedule' }));
    await dialog.getByLabel('Schedule name').fill('Payments primary');
    await dialog.getByLabel('Team').selectOption({ label: 'Payments' });
    await dialog.getByLabel('Time zone').selectOption(ZONE);
    await visible(dialog.getByText(/Hand-offs and dates are read in this zone: now Europe\/Berlin \(UTC\+0[12]:00\)/));
    await screenshot(page, 'sched-form-top');
    const layer = dialog.getByRole('group', { name: 'Layer 1' });
    for (const p of PEOPLE) await layer.getByLabel('Add person').selectOption({ label: p.name });
    await layer.getByLabel('Shift length').fill('1');
    await layer.getByLabel('Shift unit').selectOption('week');
    await layer.getByLabel('Hand-off time').fill('09:00');
    await layer.getByLabel('Hand-off day').selectOption({ label: 'Monday' });
    const startDate = DateTime.now().setZone(ZONE).startOf('week').minus({ weeks: 3 }).toISODate()!;
    // A new layer starts now unless a date is chosen.
    expect(await layer.getByLabel('Starts', { exact: true }).inputValue()).toBe('now');
    await layer.getByLabel('Starts', { exact: true }).selectOption('date');
    await layer.getByLabel('Starts on').fill(startDate);
    // The editor restates the rotation in words, in the schedule's zone.
    const summary = (await layer.locator('.layer-summary').textContent()) ?? '';
    expect(summary).toContain('Ann Lee → Ben Ode → Cy Park take turns, 1 week each');
    expect(summary).toContain('hand-off on Mondays at 09:00 (Europe/Berlin)');
    await screenshot(page, 'sched-form');
    await dialog.getByRole('button', { name: 'Create schedule' }).click();
    await hidden(dialog);

    // Lands on the schedule's page, with the timeline in the schedule's zone.
    await onPath(page, '/schedules/payments-primary');
    await visible(page.getByRole('heading', { name: 'Payments primary', level: 1 }));
    await visible(page.getByText('Schedule Payments primary was created.'));
    await visible(page.getByText(/Times in Europe\/Berlin \(UTC\+0[12]:00\)/));
    const created = await app.api('GET', '/api/v1/schedules/payments-primary');
    expect(created.body.layers).toHaveLength(1);
    expect(created.body.layers[0]).toMatchObject({
      shift: { unit: 'week', length: 1 },
      handoffTime: '09:00',
      handoffWeekday: 1,
      startDate,
      participants: PEOPLE.map((p) => ids[p.name]),
    });
    expect(created.body.timeZone).toBe(ZONE);

    const current = await onCallNow();
    await visible(
      finalRow(page)
        .getByRole('button', { name: new RegExp(`^${esc(current)}, `) })
        .first(),
    );
    await visible(
      page
        .getByRole('group', { name: 'Primary' })
        .getByRole('button', { name: new RegExp(`^${esc(current)}, `) })
        .first(),
    );
    await visible(page.getByRole('region', { name: 'On call now' }).getByText(current));
    // Hovering a shift tells the viewer their own time.
    const title = await finalRow(page)
      .getByRole('button', { name: new RegExp(`^${esc(current)}, `) })
      .first()
      .getAttribute('title');
    expect(title).toContain('Your time (America/New York');
    await screenshot(page, 'sched-schedule');

    // Month and day views.
    await page.getByRole('button', { name: 'Month', exact: true }).click();
    await visible(page.getByRole('heading', { name: DateTime.now().setZone(ZONE).toFormat('LLLL yyyy') }));
    for (const p of PEOPLE)
      await visible(
        finalRow(page)
          .getByRole('button', { name: new RegExp(`^${esc(p.name)}, `) })
          .first(),
      );
    await screenshot(page, 'sched-month');
    await page.getByRole('button', { name: 'Day', exact: true }).click();
    await visible(finalRow(page).getByRole('button', { name: new RegExp(`^${esc(current)}, `) }));
    await screenshot(page, 'sched-day');
    await page.getByRole('button', { name: 'Week', exact: true }).click();

    // On the list: team, zone, who is on call now.
    await nav.getByRole('link', { name: 'Schedules' }).click();
    await onPath(page, '/schedules');
    const row = await visible(page.getByRole('row', { name: /Payments primary/ }));
    const rowText = (await row.textContent()) ?? '';
    expect(rowText).toContain('Payments');
    expect(rowText).toContain('Europe/Berlin');
    expect(rowText).toContain(current);
    await screenshot(page, 'sched-list');

    // An override through the form: Ada covers three hours, starting in two.
    await row.getByRole('link', { name: 'Payments primary' }).click();
    await onPath(page, '/schedules/payments-primary');
    await page.getByRole('button', { name: 'Add override' }).click();
    const ov = await visible(page.getByRole('dialog', { name: 'Add override' }));
    const ovStart = DateTime.now().setZone(ZONE).startOf('hour').plus({ hours: 2 });
    const ovEnd = ovStart.plus({ hours: 3 });
    await ov.getByLabel('Who covers').selectOption({ label: 'Ada Admin' });
    await ov.getByLabel('From').fill(local(ovStart));
    await ov.getByLabel('To').fill(local(ovEnd));
    await ov.getByLabel('Reason').fill('Dentist');
    await visible(ov.getByText('3 hours · your time (America/New York)'));
    await screenshot(page, 'sched-override-form');
    await ov.getByRole('button', { name: 'Add override' }).click();
    await hidden(ov);
    await visible(page.getByText(/Override added: Ada Admin covers/));
    await visible(finalRow(page).getByRole('button', { name: /^Ada Admin, .*, override/ }));
    await visible(page.getByRole('group', { name: 'Overrides' }).getByRole('button', { name: /^Override: Ada Admin/ }));
    const overrides = await app.api('GET', '/api/v1/schedules/payments-primary/overrides');
    expect(overrides.body.data).toHaveLength(1);
    expect(overrides.body.data[0]).toMatchObject({ start: ovStart.toMillis(), end: ovEnd.toMillis(), reason: 'Dentist', replacesUserId: null });
    await screenshot(page, 'sched-override');

    // Dragging across the final row pre-fills the override form.
    const track = finalRow(page).locator('.tl-track');
    const box = (await track.boundingBox())!;
    await page.mouse.move(box.x + box.width * 0.55, box.y + box.height / 2);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width * 0.62, box.y + box.height / 2, { steps: 6 });
    await page.mouse.move(box.x + box.width * 0.7, box.y + box.height / 2, { steps: 6 });
    await page.mouse.up();
    const dragged = await visible(page.getByRole('dialog', { name: 'Add override' }));
    const from = DateTime.fromISO(await dragged.getByLabel('From').inputValue(), { zone: ZONE });
    const to = DateTime.fromISO(await dragged.getByLabel('To').inputValue(), { zone: ZONE });
    expect(to.diff(from, 'hours').hours).toBeGreaterThanOrEqual(20);
    expect(to.diff(from, 'hours').hours).toBeLessThanOrEqual(30);
    await dragged.getByRole('button', { name: 'Cancel' }).click();
    await hidden(dragged);

    // Subscribe in calendar: a feed URL with a copy button.
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: app.baseUrl });
    await page.getByRole('button', { name: 'Subscribe in calendar' }).click();
    const cal = await visible(page.getByRole('dialog', { name: 'Subscribe in calendar' }));
    await cal.getByRole('button', { name: 'Create calendar link' }).click();
    const url = await (await visible(cal.getByLabel('Calendar feed URL'))).inputValue();
    expect(url).toMatch(/\/calendar\/vgc_.+\.ics$/);
    await cal.getByRole('button', { name: 'Copy' }).click();
    await visible(cal.getByRole('button', { name: 'Copied' }));
    expect(await page.evaluate<string>('navigator.clipboard.readText()')).toBe(url);
    const ics = await fetch(url.replace(/^https?:\/\/[^/]+/, app.baseUrl));
    expect(ics.status).toBe(200);
    expect(await ics.text()).toContain('BEGIN:VCALENDAR');
    await screenshot(page, 'sched-calendar');
    await cal.getByRole('button', { name: 'Done' }).click();

    // The activity log tells the story.
    await visible(page.getByText('created the schedule'));
    await visible(page.getByText(/added an override: Ada Admin covers .* — Dentist/));

    // Home: who is on call now.
    await nav.getByRole('link', { name: 'Home' }).click();
    await onPath(page, '/');
    await visible(page.getByRole('heading', { name: 'Who is on call' }));
    const entry = await visible(page.getByRole('listitem', { name: 'Payments primary' }));
    expect(await entry.textContent()).toContain(current);
    await screenshot(page, 'sched-home');

    expect(errors).toEqual([]);
    await context.close();
  });

  it('lets a responder offer a shift and another take it; the final schedule follows', { timeout: 120_000 }, async () => {
    const requester = await onCallNow();
    const taker = PEOPLE.map((p) => p.name).find((n) => n !== requester)!;
    const emailOf = (name: string): string => PEOPLE.find((p) => p.name === name)!.email;

    // The person on call offers their current shift from the schedule page.
    const a = await newPage();
    await signIn(a.page, emailOf(requester), PASSWORD, '/schedules/payments-primary');
    await onPath(a.page, '/schedules/payments-primary');
    const yours = await visible(a.page.getByRole('region', { name: 'Your upcoming shifts' }));
    await yours.getByRole('button', { name: 'Offer my shift' }).first().click();
    const offer = await visible(a.page.getByRole('dialog', { name: 'Offer my shift' }));
    await offer.getByLabel('Note').fill('Flight delayed');
    await offer.getByRole('button', { name: 'Offer shift' }).click();
    await hidden(offer);
    await visible(a.page.getByText(/is offered to your team/));
    const swaps = await visible(a.page.getByRole('region', { name: 'Shift swap requests' }));
    await visible(swaps.getByText('“Flight delayed”'));
    await visible(swaps.getByRole('button', { name: 'Cancel request' }));
    expect(await swaps.getByRole('button', { name: /^Accept/ }).count()).toBe(0);
    await screenshot(a.page, 'sched-swap-offered');
    expect(a.errors).toEqual([]);
    await a.context.close();

    // Someone else takes it from My shifts.
    const b = await newPage();
    await signIn(b.page, emailOf(taker), PASSWORD);
    await b.page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'My shifts' }).click();
    await onPath(b.page, '/shifts');
    const takeable = await visible(b.page.getByRole('region', { name: 'Shifts you can take' }));
    await visible(takeable.getByText('“Flight delayed”'));
    await screenshot(b.page, 'sched-my-shifts');
    await takeable.getByRole('button', { name: `Accept shift offered by ${requester}` }).click();
    const confirm = await visible(b.page.getByRole('dialog', { name: `Take ${requester}’s shift?` }));
    await confirm.getByRole('button', { name: 'Take this shift' }).click();
    await hidden(confirm);
    await visible(b.page.getByText(/You took the shift on Payments primary/));
    await visible(b.page.getByText('You are on call now'));

    const accepted = await app.api('GET', '/api/v1/swaps?status=accepted');
    expect(accepted.body.data).toHaveLength(1);
    expect(accepted.body.data[0]).toMatchObject({ requesterId: ids[requester], takerId: ids[taker] });
    expect(await onCallNow()).toBe(taker);

    // The schedule's final row now shows the taker covering for the requester, right now.
    await b.page.getByRole('link', { name: 'Payments primary' }).first().click();
    await onPath(b.page, '/schedules/payments-primary');
    await visible(finalRow(b.page).getByRole('button', { name: new RegExp(`^${esc(taker)}, .*, override for ${esc(requester)}`) }));
    await visible(b.page.getByRole('region', { name: 'On call now' }).getByText(taker));
    await visible(b.page.getByText(/took over .* from .* \(shift swap\)/));
    await screenshot(b.page, 'sched-after-swap');
    expect(b.errors).toEqual([]);
    await b.context.close();
  });

  it('lets an admin delete an override from the list', { timeout: 60_000 }, async () => {
    const { context, page, errors } = await newPage();
    await signIn(page, app.adminEmail, app.adminPassword, '/schedules/payments-primary');
    await onPath(page, '/schedules/payments-primary');
    const list = await visible(page.getByRole('region', { name: 'Upcoming overrides' }));
    await visible(list.getByText('Dentist'));
    await list.getByRole('button', { name: /^Delete override of Ada Admin/ }).click();
    const confirm = await visible(page.getByRole('dialog', { name: 'Delete this override?' }));
    await confirm.getByRole('button', { name: 'Delete override' }).click();
    await hidden(confirm);
    await visible(page.getByText('Override of Ada Admin deleted.'));
    await hidden(list.getByText('Dentist'));
    expect(
      await page
        .getByRole('group', { name: 'Overrides' })
        .getByRole('button', { name: /^Override: Ada Admin/ })
        .count(),
    ).toBe(0);
    const left = await app.api('GET', '/api/v1/schedules/payments-primary/overrides');
    expect(left.body.data.some((o: { reason: string }) => o.reason === 'Dentist')).toBe(false);
    await visible(page.getByText(/deleted the override of Ada Admin/));
    expect(errors).toEqual([]);
    await context.close();
  });

  it('edits the rotation to business hours; the gaps show as warnings, also on Home', { timeout: 60_000 }, async () => {
    const before = (await app.api('GET', '/api/v1/schedules/payments-primary')).body;
    const { context, page, errors } = await newPage();
    await signIn(page, app.adminEmail, app.adminPassword, '/schedules/payments-primary');
    await onPath(page, '/schedules/payments-primary');
    expect(
      await finalRow(page)
        .getByRole('button', { name: /^Nobody on call, / })
        .count(),
    ).toBe(0);

    await page.getByRole('button', { name: 'Edit schedule' }).click();
    const dialog = await visible(page.getByRole('dialog', { name: 'Edit Payments primary' }));
    const layer = dialog.getByRole('group', { name: 'Layer 1' });
    expect(await layer.getByLabel('Layer name').inputValue()).toBe('Primary');
    await layer.getByRole('radio', { name: /Business hours/ }).check();
    expect(await layer.locator('.layer-summary').textContent()).toContain('Only Monday–Friday 09:00–17:00.');
    await dialog.getByRole('button', { name: 'Save changes' }).click();
    await hidden(dialog);
    await visible(page.getByText('Schedule saved.'));

    const after = (await app.api('GET', '/api/v1/schedules/payments-primary')).body;
    expect(after.layers[0].id).toBe(before.layers[0].id);
    expect(after.layers[0].restrictions).toHaveLength(5);
    expect(after.layers[0].restrictions[0]).toEqual({ type: 'weekly', startWeekday: 1, startTime: '09:00', endWeekday: 1, endTime: '17:00' });

    // Nights and the weekend are gaps now: warning blocks in the final row and a banner listing them.
    await visible(
      finalRow(page)
        .getByRole('button', { name: /^Nobody on call, / })
        .first(),
    );
    const banner = await visible(page.locator('.gap-banner'));
    expect(await banner.textContent()).toMatch(/gaps? /);
    await visible(page.getByText('changed the rotation layers'));
    await screenshot(page, 'sched-gaps');

    // When nobody is on call right now (outside business hours), Home says so in warning colours.
    const now = (await app.api('GET', '/api/v1/schedules/payments-primary/oncall')).body;
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Home' }).click();
    const entry = await visible(page.getByRole('listitem', { name: 'Payments primary' }));
    if (now.gap) {
      await visible(page.getByText('1 schedule has nobody on call right now.'));
      await visible(entry.getByText('Nobody is on call'));
    } else {
      expect(await entry.textContent()).toContain(now.onCall[0].user.name);
    }
    await screenshot(page, 'sched-home-after-edit');
    expect(errors).toEqual([]);
    await context.close();
  });

  it('shows schedules read-only to a stakeholder', { timeout: 60_000 }, async () => {
    const sam = await app.api('POST', '/api/v1/users', {
      body: { name: 'Sam Stakeholder', email: 'sam@example.com', role: 'stakeholder', password: PASSWORD },
    });
    expect(sam.status).toBe(201);
    const { context, page, errors } = await newPage();
    await signIn(page, 'sam@example.com', PASSWORD, '/schedules');
    await onPath(page, '/schedules');
    await visible(page.getByRole('row', { name: /Payments primary/ }));
    expect(await page.getByRole('button', { name: 'New schedule' }).count()).toBe(0);
    await page.getByRole('link', { name: 'Payments primary' }).click();
    await visible(finalRow(page));
    expect(await page.getByRole('button', { name: 'Add override' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Edit schedule' }).count()).toBe(0);
    await visible(page.getByRole('button', { name: 'Subscribe in calendar' }));
    expect(errors).toEqual([]);
    await context.close();
  });
  it('a weekly schedule made with the form defaults has somebody on call at once', { timeout: 60_000 }, async () => {
    const { context, page, errors } = await newPage();
    await signIn(page, app.adminEmail, app.adminPassword, '/schedules');
    await onPath(page, '/schedules');
    await page.getByRole('button', { name: 'New schedule' }).click();
    const dialog = await visible(page.getByRole('dialog', { name: 'New schedule' }));
    await dialog.getByLabel('Schedule name').fill('Payments day one');
    await dialog.getByLabel('Team').selectOption({ label: 'Payments' });
    const layer = dialog.getByRole('group', { name: 'Layer 1' });
    for (const p of PEOPLE.slice(0, 2)) await layer.getByLabel('Add person').selectOption({ label: p.name });
    expect((await layer.locator('.layer-summary').textContent()) ?? '').toContain('starting now');
    expect(await layer.getByLabel('Starts on').count()).toBe(0);
    await dialog.getByRole('button', { name: 'Create schedule' }).click();
    await hidden(dialog);
    await onPath(page, '/schedules/payments-day-one');
    const now = (await app.api('GET', '/api/v1/schedules/payments-day-one/oncall')).body;
    expect(now.gap).toBe(false);
    expect(now.onCall[0].userId).toBe(ids[PEOPLE[0]!.name]);
    const created = (await app.api('GET', '/api/v1/schedules/payments-day-one')).body;
    expect(created.layers[0].startAt).toEqual(expect.any(Number));
    expect(errors).toEqual([]);
    await context.close();
  });

  it('shows everyone on call from combining layers, with their layer, and offers a layer in the override form', { timeout: 120_000 }, async () => {
    const start = DateTime.now().setZone(ZONE).minus({ days: 2 }).toISODate()!;
    const created = await app.api('POST', '/api/v1/schedules', {
      body: {
        name: 'Follow',
        teamId: 'payments',
        timeZone: ZONE,
        layers: [
          { name: 'Around the clock', participants: ['ann@example.com'], shift: { unit: 'week', length: 1 }, handoffTime: '09:00', startDate: start },
          { name: 'Shadow', mode: 'combine', participants: ['ben@example.com'], shift: { unit: 'week', length: 1 }, handoffTime: '09:00', startDate: start },
        ],
      },
    });
    expect(created.status).toBe(201);
    const { context, page, errors } = await newPage();
    await signIn(page, app.adminEmail, app.adminPassword, '/schedules/follow');
    await visible(page.getByRole('heading', { name: 'Follow', level: 1 }));
    await visible(page.getByText('from Around the clock').first());
    await visible(page.getByText('from Shadow').first());
    await screenshot(page, 'sched-combined');
    await page.getByRole('button', { name: /Add override/ }).first().click();
    const dialog = await visible(page.getByRole('dialog', { name: 'Add override' }));
    const layerSelect = dialog.getByLabel('Only in layer');
    await visible(layerSelect);
    expect(await layerSelect.locator('option').allTextContents()).toEqual(['The whole schedule', 'Around the clock', 'Shadow']);
    expect(errors).toEqual([]);
    await context.close();
  });
});
