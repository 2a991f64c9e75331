import { randomUUID } from 'node:crypto';
import { TOPICS } from '@ddp/contracts';
import {
  EventTap, anEncounter, comingMondayAtTen, getJson, postJson, sleep, startLocalSmtpServer, startStack, waitUntil,
  type LocalSmtpServer, type ReceivedMail, type RunningStack,
} from '@ddp/testing';

// Issue 18, point 8, through the four running services over HTTP and Kafka only: seed 002's
// youth scheme is rolled out "in co-ordination with the Youth Offending Teams", so a young
// person's referral is shared with the area's team, and notices about the child reach the
// parent or guardian the officer recorded. Notices really go out (an SMTP server on loopback).
describe('the schemes as the seeds describe them: young people', () => {
  let stack: RunningStack;
  let smtp: LocalSmtpServer;
  let tap: EventTap;
  const TOKEN = { 'x-internal-token': 'dev-internal-token' };
  const YOT_MAILBOX = 'oxford-yot@yot.example.test';

  beforeAll(async () => {
    smtp = await startLocalSmtpServer();
    stack = await startStack({
      name: 'schemes',
      // Bookings fall at the services' "now": a weekday morning, whatever the day it runs.
      startAt: comingMondayAtTen(),
      env: { notification: { SMTP_URL: smtp.url, PERSON_DEFAULT_CHANNEL: 'email' } },
    });
    tap = await EventTap.start([TOPICS.referral, TOPICS.scheduling]);
    const put = await fetch(`${stack.urls.notification}/v1/recipient-endpoints`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json', ...TOKEN },
      body: JSON.stringify({ role: 'youth-offending-team', match: 'area', value: 'oxford', channel: 'email', address: YOT_MAILBOX }),
    });
    expect(put.status).toBe(200);
  }, 480_000);

  afterAll(async () => {
    for (const s of ['referral', 'notification'] as const) {
      const errors = (stack?.logs[s] ?? []).filter((l) => l.includes('"level":"error"')).slice(-5);
      if (errors.length) process.stdout.write(`[schemes] ${s}: last errors\n${errors.map((l) => `  ${l.slice(0, 500)}`).join('\n')}\n`);
    }
    await tap?.stop();
    await stack?.stop();
    await smtp?.stop();
  }, 120_000);

  const mailTo = (address: string, containing: string) => smtp.messages.filter((m) => m.to.includes(address) && `${m.subject}\n${m.text}`.includes(containing));

  async function referYoungPerson(guardian?: { name: string; email: string }) {
    const id = randomUUID().slice(0, 8);
    const encounter = anEncounter({
      occurredAt: new Date(stack.now().getTime() - 60_000).toISOString(),
      area: 'oxford',
      person: {
        personRef: `PNC-S-${id}`, dateOfBirth: '2011-03-04', givenName: `Robin${id}`, contact: { email: `robin.${id}@person.example.test` },
        ...(guardian && { guardian: { ...guardian, relationship: 'mother' } }),
      },
      bwvReference: undefined,
    });
    delete encounter.bwvReference;
    const answer = await postJson(`${stack.urls.referral}/v1/encounters`, encounter);
    expect(answer.status).toBe(201);
    expect(answer.body).toMatchObject({ decision: 'referred', scheme: { id: 'thames-valley-youth-diversion' } });
    return { encounter, answer: answer.body as { referralId: string; shortRef: string } };
  }

  async function notices(referralId: string): Promise<Array<{ template: string; recipientRole: string; status: string; cancelReason: string | null }>> {
    return (await getJson(`${stack.urls.notification}/v1/notifications?referralId=${referralId}`)).body.notifications;
  }

  async function mail(address: string, containing: string, what: string, ms = 60_000): Promise<ReceivedMail> {
    return waitUntil(async () => mailTo(address, containing)[0], what, ms, 200);
  }

  it("shares a young person's referral with the area's Youth Offending Team, and copies the child's notices to the guardian", async () => {
    // A consumer group new to the broker starts at the latest offset once it has joined: the
    // first referrals may pass before the notification service listens. Refer until one is shared.
    const guardianMailbox = `parent.${randomUUID().slice(0, 8)}@guardian.example.test`;
    let referred: Awaited<ReturnType<typeof referYoungPerson>> | undefined;
    let shared: ReceivedMail | undefined;
    for (let attempt = 0; attempt < 8 && !shared; attempt++) {
      referred = await referYoungPerson({ name: 'Jo Guardian', email: guardianMailbox });
      shared = await mail(YOT_MAILBOX, referred.answer.shortRef, 'the Youth Offending Team notice', 15_000).catch(() => undefined);
    }
    expect(shared).toBeDefined();
    const { encounter, answer } = referred!;

    // The team is told of the referral, with no name or contact detail of the child in the e-mail.
    expect(shared!.subject).toBe(`Young person referred to drug diversion ${answer.shortRef}`);
    expect(shared!.text).toContain('For Oxford Youth Offending Team');
    expect(shared!.text).toContain('Thames Valley youth drug diversion (force-wide)');
    for (const personal of [encounter.person.givenName, encounter.person.familyName, encounter.person.contact!.email!, guardianMailbox]) {
      expect(shared!.text).not.toContain(personal);
    }

    // The assessment is booked (the provider-scheduling service, over Kafka); the child is told, and the guardian gets a copy.
    await tap.waitForEvent('AssessmentScheduled', (e) => e.key === answer.referralId, 60_000);
    const toChild = await mail(encounter.person.contact!.email!, answer.shortRef, "the child's assessment-booked e-mail");
    const copy = await mail(guardianMailbox, answer.shortRef, "the guardian's copy");
    expect(copy.subject).toBe(`Copy: ${toChild.subject}`);
    expect(copy.text).toContain(`Hello Jo Guardian, you are recorded as the parent or guardian of ${encounter.person.givenName}.`);
    expect(copy.text).toContain(toChild.text.split('\n')[0]);

    const log = await waitUntil(async () => {
      const rows = await notices(answer.referralId);
      return rows.some((n) => n.recipientRole === 'guardian' && n.template === 'assessment-booked' && n.status === 'sent') ? rows : undefined;
    }, 'the delivery log', 30_000, 200);
    expect(log.filter((n) => n.template === 'assessment-booked').map((n) => [n.recipientRole, n.status]).sort()).toEqual([['guardian', 'sent'], ['person', 'sent']]);
    expect(log.filter((n) => n.template === 'youth-referral-shared').map((n) => [n.recipientRole, n.status])).toEqual([['youth-offending-team', 'sent']]);
  });

  it('cancels the copy, without failing, for a young person with no guardian recorded', async () => {
    const { answer } = await referYoungPerson();
    await tap.waitForEvent('AssessmentScheduled', (e) => e.key === answer.referralId, 60_000);
    const copy = await waitUntil(async () => {
      const rows = await notices(answer.referralId);
      const row = rows.find((n) => n.recipientRole === 'guardian' && n.template === 'assessment-booked');
      return row && row.status !== 'queued' && row.status !== 'scheduled' ? row : undefined;
    }, 'the guardian copy to settle', 30_000, 200);
    expect(copy).toMatchObject({ status: 'cancelled', cancelReason: 'no parent or guardian is recorded' });
    await mail(YOT_MAILBOX, answer.shortRef, 'the Youth Offending Team notice');
  });

  it("shares no adult's referral with a Youth Offending Team and copies no adult's notices", async () => {
    const encounter = anEncounter({ occurredAt: new Date(stack.now().getTime() - 60_000).toISOString(), area: 'oxford', person: { personRef: `PNC-S-${randomUUID().slice(0, 8)}` } });
    const answer = (await postJson(`${stack.urls.referral}/v1/encounters`, encounter)).body as { referralId: string; shortRef: string; decision: string };
    expect(answer.decision).toBe('referred');
    await tap.waitForEvent('AssessmentScheduled', (e) => e.key === answer.referralId, 60_000);
    const rows = await waitUntil(async () => {
      const found = await notices(answer.referralId);
      return found.some((n) => n.template === 'assessment-booked') ? found : undefined;
    }, "the adult's notices", 30_000, 200);
    await sleep(1000);
    expect(rows.map((n) => n.recipientRole)).not.toContain('guardian');
    expect(rows.map((n) => n.recipientRole)).not.toContain('youth-offending-team');
    expect(mailTo(YOT_MAILBOX, answer.shortRef)).toEqual([]);
  });
});
