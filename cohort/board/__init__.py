"""The learning community: a private board for each cohort (discussions, questions, work in
progress wanting feedback, each session's thread), and its resource library."""
