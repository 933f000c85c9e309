"""User-facing help for the query language, shown by the search box and ``outpost search --help``."""

from __future__ import annotations

__all__ = ["QUERY_HELP"]

#: Markdown; render with :func:`sync.kb.render_markdown` in the app, print as-is in the CLI.
QUERY_HELP = """\
# Searching

Type words to find tickets and articles containing them. Every part of a query must
match. Words match the start of a word (`prin` finds *printer*); case and accents are
ignored (`zurich` finds *Zürich*).

| You type | It finds |
|---|---|
| `vpn broken` | both words, anywhere in the text |
| `"paper jam"` | the exact phrase, words in this order |
| `status:in_progress` | tickets in exactly this status (also `in-progress`, `"in progress"`) |
| `status:new,open` | tickets in any of these statuses |
| `is:open` | new, open, in progress or pending tickets |
| `is:pending` | tickets waiting on the requester or a third party |
| `is:closed` | resolved or closed tickets |
| `is:unassigned`, `is:mine` | nobody's tickets, your tickets |
| `is:overdue` | open tickets past their due time |
| `queue:facilities`, `queue:"Facilities North"` | tickets in a queue (any case) |
| `assignee:anna`, `assignee:me`, `assignee:none` | tickets assigned to a person, to you, to nobody |
| `requester:bob` | tickets raised by a person |
| `priority:1`, `priority:p2`, `priority:<=2` | by priority; 1 is critical, 4 is low |
| `tag:hvac`, `category:printers` | by tag or category |
| `asset:FAC-0042` | tickets on the asset with this tag |
| `location:"Fernley Pavilion"` | tickets at a place or anywhere inside it (its buildings, floors, rooms) |
| `warranty:expired`, `warranty:active` | tickets on assets whose warranty has ended, or has not |
| `csat:5`, `csat:<=2`, `csat:none` | by the requester's rating (1–5), or not rated |
| `type:incident` | `incident`, `service_request` or `question` |
| `channel:email`, `channel:phone,walk_in` | how it came in: `phone`, `walk_in`, `email`, `portal`, `agent` |
| `#123`, `number:123` | the ticket with this number |
| `kind:article`, `kind:ticket` | only articles or only tickets |

## Dates

`created:`, `updated:`, `due:` and `resolved:` take a date, optionally after `>`, `>=`,
`<`, `<=` or `=`:

| You type | It finds |
|---|---|
| `created:2026-01-15` | created on that day (your local day) |
| `created:>2026-01-15` | created after that whole day |
| `created:<=2026-01-15` | created on or before that day |
| `created:2026-01-01..2026-02-01` | created in January: the end day is **not** included |
| `created:2026-01-01..`, `created:..2026-02-01` | from, or before, a day |
| `updated:today`, `updated:yesterday`, `due:<tomorrow` | relative days |
| `created:-7d`, `created:>-7d` | created in the last 7 days (`h` hours, `d` days, `w` weeks) |
| `due:+3d` | due in the next 3 days |
| `created:>=2026-01-15T09:30` | from an exact time (local, or add `Z` / `+02:00`) |

## Excluding and quoting

- Put `-` before a filter to exclude it: `-tag:hvac`, `-status:closed`, `-is:mine`.
- Put values with spaces in quotes: `queue:"Facilities North"`. Inside quotes, write `\\"`
  for a quote and `\\\\` for a backslash.
- Text with a colon would be read as a filter; quote it to search for it: `"error:0x80070005"`.
"""
