// Which field an API error message names (fields.ts), with the messages the API really sends
// (site/model_json.cc, site/site_store.cc, server/api_json.cc).
import assert from "node:assert/strict";
import { test } from "node:test";
import { fieldOfMessage } from "./fields";

const door = ["name", "site", "from_zone", "to_zone", "required", "gate"];

test("a leading field path names the field", () => {
  assert.deepEqual(fieldOfMessage("name: required", door), { field: "name", text: "required" });
  assert.deepEqual(fieldOfMessage("required: expected one of card, card+pin, got x", door), {
    field: "required",
    text: "expected one of card, card+pin, got x",
  });
  assert.deepEqual(
    fieldOfMessage("to_zone: expected an integer from 0 to 4294967295, got -1", door)?.field,
    "to_zone",
  );
});

test("an object's name, then the field", () => {
  assert.equal(fieldOfMessage("door: to_zone 5 does not exist", door)?.field, "to_zone");
  assert.equal(fieldOfMessage("door: site 3 does not exist", door)?.field, "site");
  assert.equal(
    fieldOfMessage("level: rules[1].zone 9 does not exist", ["name", "rules"])?.field,
    "rules",
  );
  assert.equal(
    fieldOfMessage("assignment: level 4 does not exist", ["staff", "level"])?.field,
    "level",
  );
});

test("a row's path names the row's control, else its list", () => {
  const schedule = ["name", "windows", "windows[0].start", "windows[0].end", "first_day"];
  assert.equal(
    fieldOfMessage("windows[0].end: expected HH:MM, got 25:00", schedule)?.field,
    "windows[0].end",
  );
  assert.equal(
    fieldOfMessage("windows[3].start: expected HH:MM, got x", schedule)?.field,
    "windows",
  );
  assert.equal(
    fieldOfMessage("holidays[2]: expected YYYY-MM-DD, got x", ["holidays"])?.field,
    "holidays",
  );
});

test("a staff member's field errors name the field (PATCH /staff/{id})", () => {
  const details = ["display_name", "department"];
  assert.deepEqual(fieldOfMessage("display_name: display name is empty", details), {
    field: "display_name",
    text: "display name is empty",
  });
  assert.deepEqual(fieldOfMessage("department: department is longer than 200 bytes", details), {
    field: "department",
    text: "department is longer than 200 bytes",
  });
  assert.equal(
    fieldOfMessage("request body: give display_name, department or both", details),
    null,
  );
});

test("a name that is taken names the name field", () => {
  assert.equal(fieldOfMessage("door name 'Lane 1' is taken by door 4", door)?.field, "name");
});

test("messages about no field of the form give null", () => {
  assert.equal(fieldOfMessage("malformed JSON at line 1, column 2", door), null);
  assert.equal(fieldOfMessage("request body: expected a JSON object, got array", door), null);
  assert.equal(fieldOfMessage("colour: unknown field", door), null);
  assert.equal(fieldOfMessage("", door), null);
});
