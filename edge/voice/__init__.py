"""The citizen's voice (law articles 7 and 9): satisfaction ratings, by SMS
reply and at the counter, and what the box does with every reply."""
