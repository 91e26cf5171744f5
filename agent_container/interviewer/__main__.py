"""`python -m interviewer`: run one interview (see interviewer.main)."""

from interviewer.main import main

raise SystemExit(main())
