"""The national layer: provinces relay reduced enrolment messages; the nation counts and cross-checks them."""
