#!/bin/bash
#SBATCH --nodes=1
#SBATCH --partition=picluster
#SBATCH --exclusive
# The seed's Raspberry Pi job, as submitted with: sbatch --array=[1-3] launch.sh
# On the real cluster the lines after `hostname` run the TensorFlow Lite demo:
#   source activate /clusterfs/tf-lite
#   cd /clusterfs/tflite-demo
#   python label_image.py --model_file mobilenet/mobilenet_v1_1.0_224.tflite ...
hostname
echo "array task $SLURM_ARRAY_TASK_ID of job $SLURM_ARRAY_JOB_ID ran on $SLURMD_NODENAME"
sleep 3
