// Reads an iCalendar file on stdin with Mozilla's ical.js (Thunderbird's parser) and prints
// what a calendar app would take from it, as JSON: the method, and for each event its UID,
// SEQUENCE, organizer, attendees and start and end as UTC instants (through its VTIMEZONE);
// a missing organizer is null.
import ICAL from "ical.js";
import { readFileSync } from "node:fs";

const text = readFileSync(0, "utf8");
const root = new ICAL.Component(ICAL.parse(text));
for (const vtz of root.getAllSubcomponents("vtimezone")) {
  ICAL.TimezoneService.register(vtz);
}
const address = (prop) => prop && ({
  value: prop.getFirstValue(),
  cn: prop.getParameter("cn") ?? null,
  role: prop.getParameter("role") ?? null,
  partstat: prop.getParameter("partstat") ?? null,
  rsvp: prop.getParameter("rsvp") ?? null,
});
const events = root.getAllSubcomponents("vevent").map((vevent) => {
  const event = new ICAL.Event(vevent);
  return {
    uid: event.uid,
    sequence: event.sequence,
    summary: event.summary,
    location: event.location,
    tzid: event.startDate.zone ? event.startDate.zone.tzid : null,
    start: event.startDate.toJSDate().toISOString(),
    end: event.endDate.toJSDate().toISOString(),
    organizer: address(vevent.getFirstProperty("organizer")),
    attendees: vevent.getAllProperties("attendee").map(address),
  };
});
process.stdout.write(JSON.stringify({
  method: root.getFirstPropertyValue("method"),
  timezones: root.getAllSubcomponents("vtimezone").map((tz) => tz.getFirstPropertyValue("tzid")),
  events,
}));
