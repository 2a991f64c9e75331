import { randomUUID } from 'node:crypto';
import { startLocalContactApi, type LocalContactApi } from '@ddp/testing';
import { DeliveryError } from '../channels/delivery-error';
import { ReferralContactClient } from './contact.client';

// The client against a local server speaking the referral service's contact API over HTTP.
describe('ReferralContactClient (batched look-ups over HTTP)', () => {
  let api: LocalContactApi;
  beforeAll(async () => {
    api = await startLocalContactApi();
  });
  afterAll(() => api.stop());

  const person = (referralId: string, n: number) => ({ referralId, shortRef: `REF-${n}`, givenName: `P${n}`, contact: { email: `p${n}@example.test` } });
  const failure = async (promise: Promise<unknown>) => {
    const error = await promise.then(() => null, (e: unknown) => e);
    expect(error).toBeInstanceOf(DeliveryError);
    return error as DeliveryError;
  };

  it('sends the asks made together as one request, each referral once, each caller its own copy', async () => {
    const client = new ReferralContactClient(api.url, api.token, 5000);
    const ids = Array.from({ length: 12 }, () => randomUUID());
    ids.forEach((id, n) => api.set(person(id, n)));
    const before = api.httpRequests();
    // Twelve deliveries (and one asking twice for the same person) at the same moment.
    const answers = await Promise.all([...ids, ids[3]].map((id) => client.fetchContact(id)));
    expect(answers.map((a) => a.shortRef)).toEqual([...ids.map((_, n) => `REF-${n}`), 'REF-3']);
    expect(answers[0]).toEqual({ ...person(ids[0], 0), referralId: ids[0] });
    expect(api.httpRequests() - before).toBe(1);
    expect(api.requests.get(ids[3])).toBe(1);
    answers[12].contact.email = 'changed@example.test';
    expect(answers[3].contact.email).toBe('p3@example.test');
  });

  it('sends asks made one by one at once while fewer than three requests are on their way, and the rest together', async () => {
    const client = new ReferralContactClient(api.url, api.token, 5000);
    const ids = Array.from({ length: 12 }, () => randomUUID());
    ids.forEach((id, n) => api.set(person(id, n)));
    api.answerAfter(150);
    try {
      const before = api.httpRequests();
      const answers: Array<Promise<{ shortRef: string }>> = [];
      for (const id of ids) {
        answers.push(client.fetchContact(id));
        await new Promise((r) => setImmediate(r)); // each in a turn of its own
      }
      expect((await Promise.all(answers)).map((a) => a.shortRef)).toEqual(ids.map((_, n) => `REF-${n}`));
      // Three alone, then the nine that waited in one request.
      expect(api.httpRequests() - before).toBe(4);
    } finally {
      api.answerAfter(0);
    }
  });

  it('fails only the referral the service does not hold, permanently; the others of its batch are answered', async () => {
    const client = new ReferralContactClient(api.url, api.token, 5000);
    const held = randomUUID();
    const unknown = randomUUID();
    api.set(person(held, 1));
    const [a, b] = [client.fetchContact(held), client.fetchContact(unknown)];
    expect((await a).shortRef).toBe('REF-1');
    const error = await failure(b);
    expect(error.permanent).toBe(true);
    expect(error.code).toBe('contact-not-found');
  });

  it('turns an unavailable service into a transient failure for the whole batch, and a refused token into a permanent one', async () => {
    const client = new ReferralContactClient(api.url, api.token, 5000);
    const id = randomUUID();
    api.set(person(id, 7));
    api.failNext(1, 503);
    const unavailable = await failure(client.fetchContact(id));
    expect(unavailable.permanent).toBe(false);
    expect(unavailable.code).toBe('contact-unavailable');
    expect((await client.fetchContact(id)).shortRef).toBe('REF-7');

    const refused = await failure(new ReferralContactClient(api.url, 'wrong-token', 5000).fetchContact(id));
    expect(refused.permanent).toBe(true);
    expect(refused.code).toBe('contact-forbidden');

    const unreachable = await failure(new ReferralContactClient('http://127.0.0.1:9', api.token, 2000).fetchContact(id));
    expect(unreachable.permanent).toBe(false);
  });
});
