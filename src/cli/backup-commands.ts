import { resolve } from 'node:path';
import type { Command } from 'commander';
import type { ProgressEvent } from '../contract/vault.js';
import { VaultService, type Session } from '../vault/index.js';
import { collect } from './args.js';
import { progressPrinter, withSession, type GlobalOptions } from './context.js';
import { printJson, printLine, table } from './output.js';
import { qrForTerminal } from './qr.js';
import type { SecretSource } from './secrets.js';

const PASSPHRASE_ENV = 'MEMVAULT_BACKUP_PASSPHRASE';
/** The phases a backup reports (a space's own loading and sealing have their bars in context.ts). */
const PHASE_LABELS: Partial<Record<ProgressEvent['phase'], string>> = {
  index: 'loading the search index',
  export: 'writing the backup',
  verify: 'verifying the backup',
  embed: 're-embedding for this vault’s model',
  store: 'merging into the vault',
};

/** One progress bar per phase on stderr (none with --json, which scripts read). */
function progressBars(json: boolean): (event: ProgressEvent) => void {
  const bars = new Map<string, (done: number, total: number) => void>();
  return (event) => {
    const label = PHASE_LABELS[event.phase];
    if (json || !label) return;
    let bar = bars.get(event.phase);
    if (!bar) bars.set(event.phase, (bar = progressPrinter(label)));
    bar(event.done, event.total);
  };
}

/** A backup passphrase: the next stdin line with --passphrase-stdin, else MEMVAULT_BACKUP_PASSPHRASE, else a hidden prompt (twice for a new one). */
function passphraseFrom(source: SecretSource, stdin: boolean | undefined, isNew: boolean): Promise<string> {
  if (stdin) return source.nextLine();
  return isNew ? source.newPassword(PASSPHRASE_ENV, 'Backup passphrase: ') : source.password(PASSPHRASE_ENV, 'Backup passphrase: ');
}

function bytes(n: number): string {
  return n < 1024 * 1024 ? `${(n / 1024).toFixed(1)} KiB` : `${(n / 1024 / 1024).toFixed(1)} MiB`;
}

/** `memvault backup ...` and `memvault contact ...`: encrypted backups, team bundles and the teammates they come from. */
export function registerBackupCommands(program: Command, g: () => GlobalOptions): void {
  const backup = program.command('backup').description('encrypted backups of the vault or chosen spaces, and team bundles for teammates');

  backup
    .command('export')
    .description('write an encrypted backup: locked with a passphrase, or to teammates (contacts) and signed by you')
    .argument('<file>')
    .option('--space <name>', 'only this space (repeatable; default: every space you hold)', collect)
    .option('--passphrase-stdin', `read the passphrase from the next stdin line (else ${PASSPHRASE_ENV} or a prompt)`)
    .option('--to <contact>', 'lock it to this contact’s key instead of a passphrase (repeatable)', collect)
    .option('--with-audit', 'include the audit log and its chain head')
    .option('--replace', 'overwrite FILE if it exists')
    .action(async (file: string, o: { space?: string[]; passphraseStdin?: boolean; to?: string[]; withAudit?: boolean; replace?: boolean }) =>
      withSession(g(), async (service, session, source) => {
        const to = o.to ?? [];
        const passphrase = to.length === 0 ? await passphraseFrom(source, o.passphraseStdin, true) : undefined;
        const cancel = new AbortController();
        const onSigint = () => cancel.abort();
        process.once('SIGINT', onSigint);
        try {
          const done = await service.exportBackup(
            session,
            { file: resolve(file), spaces: o.space ?? [], to, withAudit: o.withAudit === true, replace: o.replace === true, ...(passphrase === undefined ? {} : { passphrase }) },
            progressBars(g().json === true),
            cancel.signal,
          );
          if (g().json) return printJson(done);
          printLine(`Wrote ${done.file} (${bytes(done.bytes)}): ${done.memories} memories, ${done.versions} versions in ${done.spaces.join(', ')}${done.auditEvents ? `, ${done.auditEvents} audit events` : ''}.`);
          printLine(done.recipients.length ? `Locked to ${done.recipients.join(', ')}; signed by you (bundle #${done.sequence}).` : 'Locked with the passphrase; without it nobody can read the file.');
        } finally {
          process.off('SIGINT', onSigint);
        }
      }),
    );

  backup
    .command('inspect')
    .description('show a backup’s header without any key: format, who it is locked to, sender, sequence, size')
    .argument('<file>')
    .action(async (file: string) => {
      const info = await VaultService.inspectBackupFile(resolve(file));
      if (g().json) return printJson(info);
      printLine(`Memvault backup, format ${info.format}, ${bytes(info.size)}, written ${info.created} (${info.scope === 'vault' ? 'whole vault' : 'chosen spaces'})`);
      printLine(`Locked with: ${[info.passphrase ? 'a passphrase' : null, ...info.recipients.map((r) => `key ${r.slice(0, 16)}…`)].filter(Boolean).join(', ')}`);
      printLine(`Sender (not yet verified): ${info.sender.name}, key ${info.sender.fingerprint.slice(0, 16)}…, bundle #${info.sender.sequence}`);
    });

  const openKey = async (service: VaultService, session: Session, source: SecretSource, file: string, stdin: boolean | undefined) => {
    const info = await VaultService.inspectBackupFile(file);
    const mine = info.recipients.includes(service.publicIdentity(session).fingerprint);
    return stdin || (info.passphrase && !mine) ? await passphraseFrom(source, stdin, false) : undefined;
  };

  backup
    .command('check')
    .description('check a backup: its structure without a key, or with --read-data every part decrypted and verified (signature, manifest, audit chain)')
    .argument('<file>')
    .option('--read-data', 'decrypt and verify everything (unlocks the vault for your key, or asks the passphrase)')
    .option('--passphrase-stdin', 'read the passphrase from the next stdin line')
    .action(async (file: string, o: { readData?: boolean; passphraseStdin?: boolean }) => {
      const path = resolve(file);
      if (!o.readData) {
        const info = await VaultService.inspectBackupFile(path);
        if (g().json) return printJson({ ...info, readData: false });
        return printLine(`Header is sound (format ${info.format}, ${bytes(info.size)}). Run with --read-data to decrypt and verify the contents.`);
      }
      return withSession(g(), async (service, session, source) => {
        const passphrase = await openKey(service, session, source, path, o.passphraseStdin);
        const report = await service.checkBackup(session, { file: path, ...(passphrase === undefined ? {} : { passphrase }) }, progressBars(g().json === true));
        if (g().json) return printJson(report);
        printLine(`Intact: ${report.memories} memories, ${report.versions} versions in ${report.spaces.join(', ')}; signed by ${report.sender.name}.`);
        printLine(`Audit log in the file: ${report.auditChain === 'absent' ? 'none' : `${report.auditEvents} events, chain ${report.auditChain}`}.`);
        printLine(report.senderContact ? `The sender is your contact ${report.senderContact}${report.senderVerified ? ' (verified)' : ' (NOT verified)'}.` : 'The sender is not one of your contacts.');
      });
    });

  backup
    .command('import')
    .description('verify a backup whole, then merge it in one transaction: new memories added, newer versions brought in, diverged edits kept both (marked conflict)')
    .argument('<file>')
    .option('--into <space>', 'put every memory into this space (created if missing)')
    .option('--dry-run', 'report what would change, change nothing')
    .option('--passphrase-stdin', 'read the passphrase from the next stdin line')
    .option('--accept-older', 'import a bundle older than one already imported from its sender (recorded in the audit log)')
    .action(async (file: string, o: { into?: string; dryRun?: boolean; passphraseStdin?: boolean; acceptOlder?: boolean }) =>
      withSession(g(), async (service, session, source) => {
        const path = resolve(file);
        const passphrase = await openKey(service, session, source, path, o.passphraseStdin);
        const report = await service.importBackup(
          session,
          { file: path, dryRun: o.dryRun === true, acceptOlder: o.acceptOlder === true, ...(o.into ? { into: o.into } : {}), ...(passphrase === undefined ? {} : { passphrase }) },
          progressBars(g().json === true),
        );
        if (g().json) return printJson(report);
        printLine(`${report.dryRun ? 'Would import' : 'Imported'}: ${report.added} added, ${report.updated} updated, ${report.skipped} skipped, ${report.conflicts} conflicts (${report.tombstones} forgotten, ${report.reembedded} re-embedded).`);
        if (report.spacesCreated.length) printLine(`${report.dryRun ? 'Would create' : 'Created'} spaces: ${report.spacesCreated.join(', ')}.`);
        if (report.quarantine) printLine(`The sender is not verified: everything went into ${report.quarantine}. Compare fingerprints, then memvault contact verify.`);
        for (const n of report.notes) printLine(`  ${n.outcome} ${n.id}: ${n.reason}`);
      }),
    );

  program
    .commands.find((c) => c.name() === 'profile')
    ?.command('pubkey')
    .description('this profile’s public key for teammates, with its fingerprint as a QR code, six words and sixty digits to compare')
    .action(async () =>
      withSession(g(), (service, session) => {
        const id = service.publicIdentity(session);
        if (g().json) return printJson(id);
        printLine(`Public key of ${id.profile} (give it to teammates: memvault contact add ${id.profile} KEY):`);
        printLine(`  ${id.key}`);
        printLine();
        printLine(qrForTerminal(id.qr));
        printLine();
        printLine(`Fingerprint words:  ${id.words.join(' ')}`);
        printLine(`Fingerprint digits: ${id.digits.slice(0, 6).join(' ')}`);
        printLine(`                    ${id.digits.slice(6).join(' ')}`);
        printLine('Compare the words or digits with your teammate out of band (in person, on a call) before they verify you.');
      }),
    );

  const contact = program.command('contact').description('teammates whose team bundles you import, and whom you export to');
  contact
    .command('add')
    .description('remember a teammate’s public key (from their memvault profile pubkey); unverified until you compare fingerprints')
    .argument('<name>')
    .argument('<key>')
    .option('--replace', 'replace the key of a known contact (it becomes unverified again)')
    .action(async (name: string, key: string, o: { replace?: boolean }) =>
      withSession(g(), (service, session) => {
        const c = service.addContact(session, name, key, o.replace === true);
        if (g().json) return printJson(c);
        printLine(`Contact ${c.name} added, not verified. Compare these words with ${c.name}: ${c.words.join(' ')}`);
        printLine(`Then: memvault contact verify ${c.name}`);
      }),
    );
  contact
    .command('list')
    .description('contacts, their fingerprints and whether you verified them')
    .action(async () =>
      withSession(g(), (service, session) => {
        const contacts = service.listContacts(session);
        if (g().json) return printJson(contacts);
        printLine(table([['NAME', 'VERIFIED', 'FINGERPRINT WORDS', 'LAST BUNDLE'], ...contacts.map((c) => [c.name, c.verified ? 'yes' : 'NO', c.words.join(' '), c.lastSequence ? `#${c.lastSequence}` : '-'])]));
      }),
    );
  contact
    .command('verify')
    .description('mark a contact verified after comparing fingerprints out of band; their bundles then import into their own spaces')
    .argument('<name>')
    .action(async (name: string) =>
      withSession(g(), (service, session) => {
        const c = service.verifyContact(session, name);
        if (g().json) return printJson(c);
        printLine(`Contact ${c.name} verified (${c.words.join(' ')}).`);
      }),
    );
}
