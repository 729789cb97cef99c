import { alreadyExists } from './topic-admin.js';

/** The shape @platformatic/kafka gives a CreateTopics refusal: MultipleErrors → ResponseError → ProtocolError. */
const refusal = (...apiCodes: number[]) => ({ code: 'PLT_KFK_MULTIPLE', errors: [{ code: 'PLT_KFK_RESPONSE', errors: apiCodes.map((apiCode) => ({ code: 'PLT_KFK_PROTOCOL', apiCode })) }] });

describe('alreadyExists', () => {
  it('recognises TOPIC_ALREADY_EXISTS however deeply it is wrapped', () => {
    expect(alreadyExists({ apiCode: 36 })).toBe(true);
    expect(alreadyExists(refusal(36))).toBe(true);
  });

  it('refuses anything else, or a mix', () => {
    expect(alreadyExists(refusal(37))).toBe(false); // INVALID_PARTITIONS
    expect(alreadyExists(refusal(36, 41))).toBe(false);
    expect(alreadyExists(new Error('connection refused'))).toBe(false);
    expect(alreadyExists({ errors: [] })).toBe(false);
    expect(alreadyExists(undefined)).toBe(false);
  });
});
