import { Command, Option } from 'commander';
import { DIALECTS, ENCRYPTION_SCHEMES, PACKAGERS, SIGNATURE_TARGETS } from './choices.js';
import { collect } from './collect.js';
import { version } from './version.js';

// Each action imports its command module when it runs, so that `cpixkit pssh decode` never loads XML,
// HTTP or server code: the bundle keeps every command in its own chunk.

function examples(...lines: string[]): string {
  return `\nExamples:\n${lines.map((line) => `  $ ${line}`).join('\n')}\n`;
}

function addPlayReadyHeaderOptions(command: Command): Command {
  return command
    .option('--la-url <url>', 'PlayReady licence acquisition URL (LA_URL)')
    .option('--lui-url <url>', 'licence UI URL (LUI_URL)')
    .option('--ds-id <guid>', 'domain service id (DS_ID)')
    .option('--header-version <version>', 'WRMHEADER version 4.0, 4.1, 4.2 or 4.3 (default: the oldest that fits)')
    .addOption(new Option('--algid <algid>', 'ALGID of every KID').choices(['AESCTR', 'AESCBC', 'COCKTAIL']))
    .option('--key <key>', 'content key per KID, hex or base64, to compute CHECKSUM (repeatable)', collect)
    .option('--key-seed <seed>', 'PlayReady key seed (hex/base64, @file or env:NAME) to derive keys for CHECKSUM')
    .option('--custom-attributes <xml>', 'inner XML of CUSTOMATTRIBUTES')
    .option('--decryptor-setup', 'write DECRYPTORSETUP ONDEMAND (4.1 and later)');
}

const fileArgument = '<file>';
const fileHelp = 'the CPIX document: a path, @path, or - for stdin';

function addPrivateKeyOptions(command: Command): Command {
  return command
    .option('--private-key <file>', 'PEM private key (PKCS#1 or PKCS#8, unencrypted)')
    .option('--pkcs12 <file>', 'PKCS#12 (.p12/.pfx) file holding the private key')
    .option('--password <password>', 'PKCS#12 password: the text, @file or env:NAME');
}

/** Adds `pssh decode` and `pssh encode`. */
function addPsshCommands(program: Command): void {
  const pssh = program.command('pssh').description('decode and encode ISO-BMFF pssh boxes');
  pssh
    .command('decode')
    .description(
      'decode pssh boxes: base64 or hex text, a bare payload (PlayReady Object, Widevine data), XML (MPD, CPIX), ' +
        'or a binary file (boxes, MP4/fMP4 init segment or fragment)',
    )
    .argument('<input>', 'the text, @file, a file path, or - for stdin')
    .option('--json', 'print JSON')
    .option('--show-keys', 'show key material (Widevine entitled keys)')
    .addHelpText(
      'after',
      examples(
        'cpixkit pssh decode AAAAOHBzc2gAAAAA7e+LqXnWSs6jyCfc1R0h7QAAABgSEJjuVZbNPqINFjrjgkIMbv9I49yVmwY=',
        'cpixkit pssh decode init.mp4 --json',
        'curl -s https://example.com/manifest.mpd | cpixkit pssh decode -',
      ),
    )
    .action(async (input: string, options) => (await import('./commands/pssh-decode.js')).psshDecode(input, options));

  addPlayReadyHeaderOptions(
    pssh
      .command('encode')
      .description('encode a pssh box (the flags of shaka-packager pssh-box.py, plus PlayReady header options)')
      .option('--system-id <uuid>', 'DRM system id')
      .option('--widevine-system-id', 'use the Widevine system id')
      .option('--playready-system-id', 'use the PlayReady system id')
      .option('--common-system-id', 'use the W3C Common system id')
      .option('--key-id <kid>', 'KID, UUID or 32 hex digits (repeatable)', collect)
      .option('--pssh-data <data>', 'the box Data, base64 or hex (instead of generated Widevine/PlayReady data)')
      .option(
        '--pssh-version <version>',
        'box version 0 or 1 (default: 0 for Widevine/PlayReady data, else 1 with KIDs)',
      )
      .option('--content-id <hex>', 'Widevine content_id, hex')
      .option('--content-id-string <text>', 'Widevine content_id, as text')
      .option('--provider <name>', 'Widevine provider')
      .addOption(new Option('--protection-scheme <scheme>', 'Widevine protection_scheme').choices(ENCRYPTION_SCHEMES))
      .addOption(
        new Option('--algorithm <algorithm>', 'Widevine algorithm (deprecated field)').choices([
          'aesctr',
          'unencrypted',
        ]),
      )
      .option('--track-type <type>', 'Widevine track_type (deprecated field), e.g. HD')
      .option('--crypto-period-index <index>', 'Widevine crypto_period_index (key rotation)'),
  )
    .addOption(new Option('--base64', 'print base64 (default)').conflicts(['hex', 'human', 'json']))
    .addOption(new Option('--hex', 'print hex').conflicts(['human', 'json']))
    .addOption(new Option('--human', 'print the decoded box').conflicts(['json']))
    .option('--json', 'print JSON')
    .addHelpText(
      'after',
      examples(
        'cpixkit pssh encode --widevine-system-id --key-id 12ea753c-23e7-bc02-4474-b2b976c43beb --protection-scheme cenc',
        'cpixkit pssh encode --playready-system-id --key-id 12ea753c23e7bc024474b2b976c43beb --la-url https://pr.example.com/rightsmanager.asmx',
        'cpixkit pssh encode --common-system-id --key-id 12ea753c23e7bc024474b2b976c43beb --hex',
      ),
    )
    .action(async (options) => (await import('./commands/pssh-encode.js')).psshEncode(options));
}

/** Adds `playready header`. */
function addPlayReadyCommands(program: Command): void {
  const playready = program.command('playready').description('PlayReady headers');
  addPlayReadyHeaderOptions(
    playready
      .command('header')
      .description('build a WRMHEADER, its PlayReady Object and pssh box')
      .option('--kid <kid>', 'KID (repeatable)', collect)
      .option('--pssh-version <version>', 'pssh box version 0 (default) or 1')
      .addOption(new Option('--output <what>', 'print only this').choices(['wrmheader', 'pro', 'pssh']))
      .option('--hex', 'print the PlayReady Object and pssh box in hex instead of base64')
      .option('--json', 'print JSON'),
  )
    .addHelpText(
      'after',
      examples(
        'cpixkit playready header --kid 12ea753c-23e7-bc02-4474-b2b976c43beb --la-url https://pr.example.com/rightsmanager.asmx',
        'cpixkit playready header --kid 339c45b5-fb6d-4bd9-994c-eabd9d41c95b --key-seed env:KEY_SEED --output pro',
      ),
    )
    .action(async (options) => (await import('./commands/playready-header.js')).playReadyHeader(options));
}

/** Adds `keys derive`. */
function addKeysCommands(program: Command): void {
  program
    .command('keys')
    .description('content keys')
    .command('derive')
    .description('derive content keys (and PlayReady checksums) from a PlayReady key seed and KIDs')
    .option('--key-seed <seed>', 'the key seed: hex or base64, @file, or env:NAME')
    .option('--kid <kid>', 'KID (repeatable)', collect)
    .option('--show-keys', 'show the keys (hidden as ****)')
    .option('--json', 'print JSON')
    .addHelpText(
      'after',
      examples('cpixkit keys derive --key-seed env:KEY_SEED --kid 339c45b5-fb6d-4bd9-994c-eabd9d41c95b --show-keys'),
    )
    .action(async (options) => (await import('./commands/keys-derive.js')).keysDerive(options));
}

/** Adds `hls`. */
function addHlsCommand(program: Command): void {
  addPlayReadyHeaderOptions(
    program
      .command('hls')
      .description('#EXT-X-KEY (media playlist) and #EXT-X-SESSION-KEY (master playlist) lines per DRM')
      .option('--drm <drms>', 'widevine, playready, fairplay, aes128 (comma-separated or repeated)', collect)
      .option('--kid <kid>', 'KID (repeatable)', collect)
      .addOption(
        new Option('--scheme <scheme>', 'encryption scheme: cenc (SAMPLE-AES-CTR) or cbcs (SAMPLE-AES)').choices([
          'cenc',
          'cbcs',
        ]),
      )
      .addOption(
        new Option('--playlist <playlist>', 'media (EXT-X-KEY), master (EXT-X-SESSION-KEY) or both').choices([
          'media',
          'master',
          'both',
        ]),
      )
      .option('--iv <iv>', 'IV, 16 bytes hex or base64 (FairPlay skd URI, AES-128 IV)')
      .option('--key-uri <url>', 'AES-128 key URL')
      .option(
        '--skd <uri>',
        'FairPlay URI or template: skd://{kid}:{ivHex}, skd://{kidBase64}, skd://{contentId}{periodIndexHex}…',
      )
      .option('--content-id <id>', 'content id for the {contentId} placeholder of --skd')
      .option('--period <index>', 'key period index for the {periodIndexHex} placeholder of --skd')
      .option('--json', 'print JSON'),
  )
    .addHelpText(
      'after',
      examples(
        'cpixkit hls --drm widevine,fairplay --kid 98ee5596-cd3e-a20d-163a-e382420c6eff --iv 2fa8f3757ad70056c224606e32bacaac',
        'cpixkit hls --drm aes128 --kid 98ee5596-cd3e-a20d-163a-e382420c6eff --key-uri https://keys.example.com/k --playlist both',
      ),
    )
    .action(async (options) => (await import('./commands/hls.js')).hls(options));
}

/** Adds `cpix validate|inspect|decrypt|encrypt|sign|verify`. */
function addCpixCommands(program: Command): void {
  const cpix = program
    .command('cpix')
    .description('validate, inspect, decrypt, encrypt, sign and verify CPIX documents');
  cpix
    .command('validate')
    .description(
      'XSD (the version the document declares) and semantic validation; every problem listed, exit 2 on errors',
    )
    .argument(fileArgument, fileHelp)
    .option('--no-xsd', 'skip the XML Schema check')
    .option('--strict', 'count warnings (leniencies of the reader, doubtful rules) as errors')
    .option('--json', 'print JSON')
    .addHelpText(
      'after',
      examples('cpixkit cpix validate response.cpix', 'cpixkit cpix validate - --json < request.xml'),
    )
    .action(async (file: string, options) => (await import('./commands/cpix-validate.js')).cpixValidate(file, options));
  cpix
    .command('inspect')
    .description(
      'summary: content keys, DRM systems and their signalling, key periods, usage rules, recipients, signatures',
    )
    .argument(fileArgument, fileHelp)
    .option('--show-keys', 'show keys given in clear (hidden as ****)')
    .option('--json', 'print JSON')
    .addHelpText(
      'after',
      examples('cpixkit cpix inspect response.cpix', 'cpixkit cpix inspect response.cpix --json --show-keys'),
    )
    .action(async (file: string, options) => (await import('./commands/cpix.js')).cpixInspect(file, options));
  addPrivateKeyOptions(
    cpix
      .command('decrypt')
      .description('decrypt the content keys with the recipient private key (PEM or PKCS#12)')
      .argument(fileArgument, fileHelp),
  )
    .option('--out <file>', 'write the decrypted document to this file')
    .option('--xml', 'print the decrypted document (needs --show-keys)')
    .option('--show-keys', 'show the keys (hidden as ****)')
    .option('--json', 'print the summary as JSON')
    .addHelpText(
      'after',
      examples(
        'cpixkit cpix decrypt response.cpix --private-key recipient.key --show-keys',
        'cpixkit cpix decrypt response.cpix --pkcs12 recipient.p12 --password env:P12_PASSWORD --out clear.cpix',
      ),
    )
    .action(async (file: string, options) => (await import('./commands/cpix.js')).cpixDecrypt(file, options));
  cpix
    .command('encrypt')
    .description(
      "encrypt the clear content keys for recipients' certificates (default: those of the request's DeliveryData)",
    )
    .argument(fileArgument, fileHelp)
    .option('--recipient <cert>', 'recipient X.509 certificate, PEM or DER (repeatable)', collect)
    .option('--min-rsa-bits <bits>', 'smallest recipient RSA key accepted (default 3072; SPEKE uses 2048)')
    .option('--out <file>', 'write the encrypted document to this file')
    .addHelpText('after', examples('cpixkit cpix encrypt clear.cpix --recipient packager.pem > response.cpix'))
    .action(async (file: string, options) => (await import('./commands/cpix.js')).cpixEncrypt(file, options));

  addPrivateKeyOptions(
    cpix
      .command('sign')
      .description('add an XML-DSig signature over the document or one of its lists')
      .argument(fileArgument, fileHelp),
  )
    .option('--cert <file>', 'the signer certificate (PEM or DER), written into the signature')
    .addOption(new Option('--target <target>', 'what to sign').choices(SIGNATURE_TARGETS))
    .addOption(new Option('--digest <digest>', 'hash of the signature and digest').choices(['sha256', 'sha512']))
    .option('--out <file>', 'write the signed document to this file')
    .option('--show-keys', 'allow printing a document that holds keys in clear')
    .addHelpText(
      'after',
      examples(
        'cpixkit cpix sign response.cpix --private-key signer.key --cert signer.pem --target ContentKeyList > signed.cpix',
      ),
    )
    .action(async (file: string, options) => (await import('./commands/cpix-signature.js')).cpixSign(file, options));
  cpix
    .command('verify')
    .description('verify every XML-DSig signature; exit 2 when there is none or one fails')
    .argument(fileArgument, fileHelp)
    .option('--cert <file>', 'also require that this certificate made every signature')
    .option('--json', 'print JSON')
    .addHelpText('after', examples('cpixkit cpix verify signed.cpix --cert signer.pem'))
    .action(async (file: string, options) => (await import('./commands/cpix-signature.js')).cpixVerify(file, options));
}

/** Adds `packager-args`. */
function addPackagerArgsCommand(program: Command): void {
  addPrivateKeyOptions(
    program
      .command('packager-args')
      .description(
        'the arguments a packager takes to encrypt with the keys of a CPIX response (nginx-vod: its DRM upstream answer), ready to paste; exits 2 (ERR_CLI_PACKAGER_UNSUPPORTED) for keys the packager cannot take',
      )
      .argument(fileArgument, fileHelp)
      .addOption(new Option('--for <packager>', 'the packager').choices(PACKAGERS).makeOptionMandatory())
      .option('--kid <kid>', 'only these keys (repeatable)', collect)
      .addOption(new Option('--scheme <scheme>', 'override the encryption scheme').choices(ENCRYPTION_SCHEMES))
      .option('--show-keys', 'show the keys (hidden as ****)')
      .option('--json', 'print JSON: the arguments as an array'),
  )
    .addHelpText(
      'after',
      examples(
        'cpixkit packager-args --for shaka-packager response.cpix --show-keys',
        'cpixkit packager-args --for mp4split response.cpix --private-key packager.key --show-keys',
        'cpixkit packager-args --for ffmpeg response.cpix --kid 98ee5596-cd3e-a20d-163a-e382420c6eff --show-keys --json',
        'cpixkit packager-args --for nginx-vod response.cpix --kid 98ee5596-cd3e-a20d-163a-e382420c6eff --show-keys',
      ),
    )
    .action(async (file: string, options) => (await import('./commands/packager-args.js')).packagerArgs(file, options));
}

/** Adds `request`. */
function addRequestCommand(program: Command): void {
  addPrivateKeyOptions(
    program
      .command('request')
      .description('ask a key server for content keys and signalling (SPEKE v1/v2, PallyCon CPIX API, ATEME GET API)')
      .requiredOption(
        '--url <url>',
        'the key server endpoint (templates with {enc-token}, {contentId}, {format} are filled in)',
      )
      .requiredOption('--content-id <id>', 'the content id')
      .addOption(new Option('--dialect <dialect>', 'how to speak to the server').choices(DIALECTS).default('speke-v2'))
      .option(
        '--drm <drms>',
        'DRM systems: widevine, playready, fairplay, aes128, clearkey, common, or system ids (comma-separated or repeated)',
        collect,
      )
      .addOption(new Option('--scheme <scheme>', 'encryption scheme').choices(ENCRYPTION_SCHEMES))
      .option('--track-types <types>', 'one key per track type: SD, HD, UHD1, AUDIO, ALL… (comma-separated)', collect)
      .option('--period <index>', 'key rotation: one key per period index (repeatable)', collect)
      .option('--kid <kid>', 'the KIDs to request, one per key (repeatable)', collect)
      .option('--token <token>', 'bearer token, or the KMS token for pallycon/anevia: the text, @file or env:NAME')
      .option('--user <user:password>', 'HTTP Basic credentials: the text, @file or env:NAME')
      .option('--sigv4', 'sign with AWS SigV4 (credentials and region from AWS_* environment variables)')
      .option(
        '--header <header>',
        'extra request header "Name: value" (repeatable)',
        (value: string, previous: string[] = []) => [...previous, value],
      )
      .option('--ca <file>', 'trusted CA certificate (PEM) for a private key server')
      .option(
        '--recipient-cert <file>',
        'ask for encrypted keys for this certificate, PEM, DER or base64 (give its --private-key or --pkcs12)',
      )
      .option('--timeout <ms>', 'time allowed per attempt, in milliseconds')
      .option('--out <file>', 'save the CPIX answer to this file')
      .addOption(new Option('--format <format>', 'print in a vendor format instead').choices(['pallycon']))
      .option('--json', 'print JSON')
      .option('--show-keys', 'show the keys (hidden as ****)'),
  )
    .addHelpText(
      'after',
      examples(
        'cpixkit request --url http://127.0.0.1:8080/speke/v2.0/copyProtection --token env:CPIXKIT_TOKEN --content-id movie-1 --drm widevine,playready,fairplay --scheme cbcs',
        'cpixkit request --dialect pallycon-v2 --url https://kms.pallycon.com/v2/cpix/pallycon/getKey/ --token env:KMS_TOKEN --content-id movie-1 --drm widevine,playready --track-types SD,HD,AUDIO --format pallycon --show-keys',
        'cpixkit request --sigv4 --url https://abc.execute-api.eu-west-1.amazonaws.com/speke --content-id live-1 --drm widevine --period 1 --period 2 --json',
      ),
    )
    .action(async (options) => (await import('./commands/request.js')).request(options));
}

/** Adds `serve`. */
function addServeCommand(program: Command): void {
  program
    .command('serve')
    .description(
      'start the cpixkit key server (SPEKE v1/v2, PallyCon CPIX API, ATEME GET API) of @cpixkit/server, when it is installed',
    )
    .option('--port <port>', 'TCP port (PORT, default 8080)')
    .option('--host <host>', 'listening address (HOST, default 127.0.0.1)')
    .option('--config <file>', 'tenants file, YAML or JSON (CPIXKIT_CONFIG; default: a development tenant)')
    .option('--data-dir <dir>', 'development tenant, master key and SQLite store (CPIXKIT_DATA_DIR, default .cpixkit)')
    .option('--log-level <level>', 'pino log level (LOG_LEVEL, default info)')
    .option('--database-url <url>', 'PostgreSQL key store (DATABASE_URL; default SQLite in the data directory)')
    .option('--public-url <url>', 'public origin for key-delivery URLs (CPIXKIT_PUBLIC_URL)')
    .option('--tls-cert <file>', 'PEM certificate for HTTPS (TLS_CERT)')
    .option('--tls-key <file>', 'PEM private key for HTTPS (TLS_KEY)')
    .addHelpText(
      'after',
      '\nEvery setting can also come from its environment variable (in parentheses); options win.' +
        examples('cpixkit serve', 'cpixkit serve --port 9000 --config tenants.yaml --log-level warn'),
    )
    .action(async (options) => (await import('./commands/serve.js')).serve(options));
}

const COMMANDS: Readonly<Record<string, (program: Command) => void>> = {
  pssh: addPsshCommands,
  playready: addPlayReadyCommands,
  keys: addKeysCommands,
  hls: addHlsCommand,
  cpix: addCpixCommands,
  'packager-args': addPackagerArgsCommand,
  request: addRequestCommand,
  serve: addServeCommand,
};

/**
 * Builds the `cpixkit` command tree. Given the command-line arguments (after the script), it builds only
 * the top-level command they name, when they name one: commander's own cost grows with every command and
 * option built, and a one-shot run needs one branch. Help for the whole program still has every command.
 */
export function buildProgram(args: readonly string[] = []): Command {
  const program = new Command('cpixkit')
    .description('Request, inspect and convert CPIX documents, PSSH boxes, PlayReady headers and HLS key lines.')
    .version(version)
    .showHelpAfterError('(run with --help for usage)')
    .addHelpText(
      'after',
      '\nExit codes: 0 success, 1 usage error, 2 invalid or unreadable input,\n' +
        '3 failure (a file cannot be written, the network or the key server failed).\n' +
        'Keys are shown as **** unless --show-keys is given.\n',
    );
  const first = args[0] ?? '';
  const named = Object.hasOwn(COMMANDS, first) ? [COMMANDS[first]!] : Object.values(COMMANDS);
  for (const addCommand of named) addCommand(program);
  return program;
}
