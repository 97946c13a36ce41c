"""SEN2, the DfE's person-level return of EHC needs assessments and plans: its records, our schema of each
collection year, a streaming reader, the return's validation rules and a writer. Pure: no Django."""
