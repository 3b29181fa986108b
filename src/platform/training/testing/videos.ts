/**
 * The smallest files the upload recognises as videos, for tests: an MP4 `ftyp` box, or a WebM EBML header,
 * followed by filler up to `size` bytes (a recognisable pattern, so a range read can be checked byte by byte).
 * Players will not play them; the sniff and the range requests only look at bytes.
 */
export function minimalMp4(brand = 'isom', size = 64): Uint8Array {
  const ascii = (text: string) => [...text].map((c) => c.charCodeAt(0));
  const ftyp = [0, 0, 0, 24, ...ascii('ftyp'), ...ascii(brand), 0, 0, 2, 0, ...ascii('isom'), ...ascii('mp41')];
  const mdatSize = Math.max(size - ftyp.length, 8);
  const mdat = [
    (mdatSize >>> 24) & 0xff,
    (mdatSize >>> 16) & 0xff,
    (mdatSize >>> 8) & 0xff,
    mdatSize & 0xff,
    ...ascii('mdat'),
  ];
  return withFiller([...ftyp, ...mdat], ftyp.length + mdatSize);
}

export function minimalWebm(docType = 'webm', size = 64): Uint8Array {
  const ascii = (text: string) => [...text].map((c) => c.charCodeAt(0));
  const children = [
    [0x42, 0x86, 0x81, 0x01], // EBMLVersion 1
    [0x42, 0xf7, 0x81, 0x01], // EBMLReadVersion 1
    [0x42, 0xf2, 0x81, 0x04], // EBMLMaxIDLength 4
    [0x42, 0xf3, 0x81, 0x08], // EBMLMaxSizeLength 8
    [0x42, 0x82, 0x80 | docType.length, ...ascii(docType)], // DocType
    [0x42, 0x87, 0x81, 0x02], // DocTypeVersion 2
    [0x42, 0x85, 0x81, 0x02], // DocTypeReadVersion 2
  ].flat();
  const header = [0x1a, 0x45, 0xdf, 0xa3, 0x80 | children.length, ...children];
  // A Segment of unknown size holds the rest.
  const segment = [0x18, 0x53, 0x80, 0x67, 0x01, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff];
  return withFiller([...header, ...segment], Math.max(size, header.length + segment.length));
}

function withFiller(start: number[], size: number): Uint8Array {
  const bytes = new Uint8Array(size);
  bytes.set(start.slice(0, size));
  for (let i = start.length; i < size; i += 1) bytes[i] = i % 251;
  return bytes;
}
