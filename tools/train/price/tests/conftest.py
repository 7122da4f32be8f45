import os
import sys

# `train` and `quantize_lib` live in tools/.
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))))
