// quick-tour.md: the traditional first 4D program
ALERT("Hello, World!")
