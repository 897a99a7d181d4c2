"""Publishing the agenda: the timetable grid, now-and-next, the programme site and PDF."""
