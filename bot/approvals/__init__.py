"""Authorization requests for work-related social media use, and their decisions."""
