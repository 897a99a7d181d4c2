"""The frab / c3voc schedule format (schedule.xml, schedule.json): export and import.

Conference apps (Giggity, EventFahrplan, ConfClerk), signage and video pipelines
read this format; pentabarf, frab, pretalx and OSEM write it. The conventions
wic uses in both directions are in :mod:`wiccli.frab.conventions`.
"""
