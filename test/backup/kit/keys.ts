import { boxKeyPairFromSeed, signingKeyPairFromSeed } from '../../../src/crypto/keys.js';
import { fingerprintHex } from '../../../src/backup/identity.js';

/** Test-only keys of the kit, from fixed seeds (never use these for anything else). Call after libsodium loaded. */
const seed = (byte: number) => new Uint8Array(32).fill(byte);

export function kitKeys() {
  const recipient = { box: boxKeyPairFromSeed(seed(1)), signing: signingKeyPairFromSeed(seed(5)) };
  return {
    recipient,
    recipientFingerprint: fingerprintHex({ boxKey: recipient.box.publicKey, signingKey: recipient.signing.publicKey }),
    sender: { box: boxKeyPairFromSeed(seed(3)), signing: signingKeyPairFromSeed(seed(2)) },
    otherSigner: signingKeyPairFromSeed(seed(6)),
    fileKey: seed(4),
    passphrase: 'kit passphrase, test only',
  };
}
