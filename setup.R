suppressMessages(library(batchtools))
new_registry <- function(name) makeRegistry(file.dir = file.path(getwd(), name), seed = 1)
