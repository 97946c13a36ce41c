"""Returns to the DfE: the SEN2 annual return, the LSRP data template and the quarterly key-metrics return,
each with its due date, status, generated files and sign-off (ADR 27)."""
