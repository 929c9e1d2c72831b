"""The checklist suite: the go-live items a run cannot measure, judged on evidence files, pages and sign-offs."""
