"""Care bookings' commands: diaries, visits, the day itself, notes, missed visits."""
