"""The GitHub Action side: read the Actions environment, post the review, write the outputs."""
