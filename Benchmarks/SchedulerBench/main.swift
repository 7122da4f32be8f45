print("SchedulerBench")
