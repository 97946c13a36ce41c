"""Data in and out of sendreform without Django: dated snapshots, reading a folder of canonical files and the
data-quality check (SEN2 XML and the DfE workbook join them here).
"""
