// Server-sent events over fetch + ReadableStream (EventSource cannot POST a body).
// The parser is incremental: bytes may split anywhere, including inside a UTF-8 character.

export class SSEParser {
  constructor(onEvent) {
    this.onEvent = onEvent;
    this.buffer = "";
    this.decoder = new TextDecoder("utf-8");
  }

  push(bytes) {
    this.buffer += this.decoder.decode(bytes, { stream: true });
    this.drain(false);
  }

  end() {
    this.buffer += this.decoder.decode();
    this.drain(true);
  }

  drain(final) {
    const text = this.buffer.replace(/\r\n?/g, "\n");
    const blocks = text.split("\n\n");
    this.buffer = final ? "" : blocks.pop();
    for (const block of blocks) this.emit(block);
  }

  emit(block) {
    if (!block.trim()) return;
    let event = "message";
    const data = [];
    for (const line of block.split("\n")) {
      if (!line || line.startsWith(":")) continue;
      const colon = line.indexOf(":");
      const field = colon === -1 ? line : line.slice(0, colon);
      let value = colon === -1 ? "" : line.slice(colon + 1);
      if (value.startsWith(" ")) value = value.slice(1);
      if (field === "event") event = value;
      else if (field === "data") data.push(value);
    }
    if (!data.length) return; // comments / keep-alives carry no data: nothing to dispatch (as EventSource does)
    const raw = data.join("\n");
    let parsed = raw;
    try { parsed = JSON.parse(raw); } catch { /* plain text payload */ }
    this.onEvent(event, parsed, raw);
  }
}
