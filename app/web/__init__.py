"""What every staff web page shares: security headers, the page guard, the base layout."""
