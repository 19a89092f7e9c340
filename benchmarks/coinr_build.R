# COINr's whole process for the start-up and big-table benchmarks (issue 18): read iData/iMeta
# CSV files, build the coin, write the results. See coinr_tables.py.
#
# Usage: Rscript coinr_build.R example|generated iData.csv iMeta.csv results.csv
#   example:   the steps of COINr's build_example_coin() (examples/pipelines/coinr_example_pipeline.yaml)
#   generated: the pipeline of the generated tables (coinr_tables.PIPELINE)

args <- commandArgs(trailingOnly = TRUE)
stopifnot(length(args) == 4)
suppressPackageStartupMessages(library(COINr))
build <- args[1]
iData <- read.csv(args[2], stringsAsFactors = FALSE, check.names = FALSE)
iMeta <- read.csv(args[3], stringsAsFactors = FALSE, check.names = FALSE,
                  na.strings = c("", "NA"))
minmax <- list(f_n = "n_minmax", f_n_para = list(c(0, 100)))
coin <- suppressMessages({
  coin <- new_coin(iData, iMeta, quietly = TRUE)
  if (build == "example") {
    coin <- Denominate(coin, dset = "Raw")
    coin <- Impute(coin, dset = "Denominated", f_i = "i_mean_grp", use_group = "EurAsia_group")
    coin <- Screen(coin, dset = "Imputed", dat_thresh = 0.9, unit_screen = "byNA")
  } else {
    coin <- Impute(coin, dset = "Raw", f_i = "i_mean")
    coin <- Screen(coin, dset = "Imputed", dat_thresh = 0.5, unit_screen = "byNA")
  }
  coin <- Treat(coin, dset = "Screened", global_specs = list(f1_para = list(winmax = 5)))
  coin <- Normalise(coin, dset = "Treated", global_specs = minmax)
  Aggregate(coin, dset = "Normalised", f_ag = "a_amean")
})
write.csv(get_dset(coin, "Aggregated"), args[4], row.names = FALSE)
