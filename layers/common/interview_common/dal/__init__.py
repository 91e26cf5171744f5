"""The data-access layer over the one DynamoDB table: table helpers (`table`) and one repository per
aggregate. `interviews.InterviewRepository` is the one writer of an interview's META item."""
