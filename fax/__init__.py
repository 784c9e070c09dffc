"""Police fax notices: render the notice, send it through a provider, track its delivery."""
