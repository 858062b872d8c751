/**
 * RFC 5424 syslog messages with RFC 6587 octet-counting framing:
 *
 *   MSG-LEN SP <PRI>1 TIMESTAMP HOSTNAME APP-NAME PROCID MSGID [SD-ID PARAM="VALUE" ...] BOM MSG
 */
export interface SyslogMessage {
  /** 0-23 (16 = local0). */
  facility: number;
  /** 0 emergency ... 7 debug. */
  severity: number;
  /** ISO 8601 timestamp (UTC). */
  timestamp: string;
  hostname: string;
  appName: string;
  procId: string;
  msgId: string;
  structuredData: StructuredDataElement[];
  /** UTF-8 text; written after a byte order mark, as RFC 5424 asks for UTF-8 messages. */
  message: string;
}

export interface StructuredDataElement {
  /** `name@enterpriseNumber` for anything not registered with IANA. */
  id: string;
  params: Array<[name: string, value: string]>;
}

const NIL = '-';
const BOM = Buffer.from([0xef, 0xbb, 0xbf]);

/**
 * A header field: printable US-ASCII only (33-126), at most `maxLength` characters, `-` when
 * empty. Anything else becomes `_` rather than breaking the header.
 */
export function headerField(value: string | undefined, maxLength: number): string {
  if (!value) return NIL;
  return value.replace(/[^\x21-\x7e]/g, '_').slice(0, maxLength);
}

/** SD-NAME (SD-ID and PARAM-NAME): printable US-ASCII except `=`, space, `]` and `"`, at most 32. */
export function sdName(value: string): string {
  const name = value.replace(/[^\x21-\x7e]|[= \]"]/g, '_').slice(0, 32);
  return name === '' ? '_' : name;
}

/** PARAM-VALUE: any UTF-8, with `"`, `\` and `]` escaped by a backslash (RFC 5424 section 6.3.3). */
export function escapeParamValue(value: string): string {
  return value.replace(/["\\\]]/g, (char) => `\\${char}`);
}

function structuredData(elements: StructuredDataElement[]): string {
  if (elements.length === 0) return NIL;
  return elements
    .map(
      (element) =>
        `[${sdName(element.id)}${element.params.map(([name, value]) => ` ${sdName(name)}="${escapeParamValue(value)}"`).join('')}]`,
    )
    .join('');
}

/** The SYSLOG-MSG, UTF-8 encoded. */
export function formatRfc5424(message: SyslogMessage): Buffer {
  const pri = message.facility * 8 + message.severity;
  const header = [
    `<${pri}>1`,
    headerField(message.timestamp, 64),
    headerField(message.hostname, 255),
    headerField(message.appName, 48),
    headerField(message.procId, 128),
    headerField(message.msgId, 32),
    structuredData(message.structuredData),
  ].join(' ');
  return Buffer.concat([Buffer.from(`${header} `, 'utf8'), BOM, Buffer.from(message.message, 'utf8')]);
}

/** RFC 6587 octet counting: the message's length in bytes, a space, the message. */
export function frameOctetCounted(message: Buffer): Buffer {
  return Buffer.concat([Buffer.from(`${message.length} `, 'ascii'), message]);
}
