"""Work that takes longer than a page should wait for (a forecast run, a board pack) runs in the background
as a job whose progress a page shows."""
