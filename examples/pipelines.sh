#!/usr/bin/env bash
# Shell pipelines over wic's machine-readable output. Run any line on its own.
set -euo pipefail

# The sub-forums of 8 November, one title a line
wic agenda --day 2018-11-08 -f json | jq -r '.[] | select(.kind == "sub-forum") | .title'

# Sessions per day
wic agenda -f jsonl | jq -r .day | sort | uniq -c

# Sub-forums per theme, counted from TSV (column 5 is theme_name)
wic forums -f tsv | tail -n +2 | cut -f5 | sort | uniq -c | sort -rn

# Start times in Berlin for the opening day
wic agenda --day 1 --tz Europe/Berlin -f tsv | cut -f1,9

# What is provisional (not from a published source)
wic agenda -f json | jq -r '.[] | select(.provisional) | "\(.start)  \(.title)"'

# One theme's sub-forums into your calendar
wic export-ics --theme security -o security.ics
