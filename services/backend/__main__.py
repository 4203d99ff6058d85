from services.backend.app import load
from services.common.server import serve

serve(load)
