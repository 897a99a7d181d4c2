"""At the door: badge tokens, badges, check-in desks and who is inside."""
