"""Ticket and report rendering and printer back ends. No Qt at module level."""
