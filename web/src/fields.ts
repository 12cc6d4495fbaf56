// Which form field an API error names. The API's 400 and 409 messages start with the field's
// path ("name: required", "windows[1].start: expected HH:MM, got 25:00") or name the object and
// then the field ("door: to_zone 5 does not exist", "door name 'Lane 1' is taken by door 4");
// docs/server.md §3 and site/model_json.h list the forms.

export interface FieldMatch {
  field: string; // the form field's name
  text: string; // the message without the leading path, for display next to the field
}

const kPath =
  /^([A-Za-z_][A-Za-z0-9_]*(?:\[\d+\](?:\.[A-Za-z_][A-Za-z0-9_]*)?)*(?:\.[A-Za-z_][A-Za-z0-9_]*)*): (.+)$/s;

// The field of `fields` that `message` is about, trying the full path ("windows[1].start"), then
// its first segment ("windows"), then the first words after an object name; null when none.
export function fieldOfMessage(message: string, fields: readonly string[]): FieldMatch | null {
  const known = new Set(fields);
  const path = kPath.exec(message);
  if (path) {
    const [, full, rest] = path as unknown as [string, string, string];
    if (known.has(full)) return { field: full, text: rest };
    const root = full.split(/[[.]/)[0]!;
    if (known.has(root)) return { field: root, text: rest };
    // "door: to_zone 5 does not exist": the object's kind, then the field.
    const word = rest.split(/\s+/)[0] ?? "";
    if (known.has(word)) return { field: word, text: rest };
    const wordRoot = word.split(/[[.]/)[0]!;
    if (word && known.has(wordRoot)) return { field: wordRoot, text: rest };
    return null;
  }
  // "door name 'x' already exists": a field among the first words.
  for (const word of message.split(/\s+/).slice(0, 3)) {
    if (known.has(word)) return { field: word, text: message };
  }
  return null;
}
