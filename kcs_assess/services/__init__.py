"""Actions on the database; each takes the acting user as an argument and commits once."""
