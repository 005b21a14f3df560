import { TestDatabases } from '@backstage/backend-test-utils';
import {
  generateEd25519KeyPair,
  keyIdOf,
} from '@backstage-licensing/plugin-license-management-node';
import { InstallationIdentityError, trustedIdentity } from './identity';
import { ADMIN, replica, sign, stored, T0 } from './testReplica';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });

function identity() {
  const keys = generateEd25519KeyPair();
  return { keyId: keyIdOf(keys.publicKeyPem), ...keys, createdAt: T0 };
}

describe('trustedIdentity', () => {
  it('derives the Key ID and public key from the installation key', () => {
    const id = identity();
    expect(trustedIdentity(id)).toEqual({ ...id, publicKeyPem: expect.stringContaining('BEGIN PUBLIC KEY') });
    expect(trustedIdentity(id).keyId).toBe(keyIdOf(id.publicKeyPem));
  });

  it("refuses a stored Key ID that is another portal's, naming the column and both Key IDs", () => {
    const ours = identity();
    const theirs = identity();
    const edited = { ...ours, keyId: theirs.keyId };
    expect(() => trustedIdentity(edited)).toThrow(InstallationIdentityError);
    expect(() => trustedIdentity(edited)).toThrow(
      new RegExp(`license_installation.key_id \\('${theirs.keyId}'\\) is not the Key ID derived from the installation key \\('${ours.keyId}'\\)`),
    );
  });

  it("refuses another portal's public key beside this installation's private key", () => {
    const ours = identity();
    const theirs = identity();
    expect(() => trustedIdentity({ ...ours, keyId: theirs.keyId, publicKeyPem: theirs.publicKeyPem })).toThrow(
      /public_key is not the public half of the installation key/,
    );
  });

  it('refuses a private key that is not one', () => {
    expect(() => trustedIdentity({ ...identity(), privateKeyPem: 'garbage' })).toThrow(/license_installation.private_key/);
  });
});

describe.each(databases.eachSupportedId())('the installation Key ID on %p', databaseId => {
  it("is a startup error when its column was set to another portal's Key ID, and nothing stored changes", async () => {
    const knex = await databases.init(databaseId);
    const clocks = { now: T0, mono: 0 };
    const ours = await replica(knex, clocks);
    await ours.upload(Buffer.from(await sign(ours.keyId, T0, { type: 'base', item: 'standard' })), ADMIN);

    // Another portal's Key ID, so that its licenses would be accepted here.
    const theirs = keyIdOf(generateEd25519KeyPair().publicKeyPem);
    await knex('license_installation').update({ key_id: theirs });
    const before = await stored(knex);
    await expect(replica(knex, clocks)).rejects.toThrow(
      new RegExp(`key_id \\('${theirs}'\\) is not the Key ID derived from the installation key \\('${ours.keyId}'\\)`),
    );
    expect(await stored(knex)).toEqual(before);
  });
});
