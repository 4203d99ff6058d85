from services.common.server import serve
from services.frontend_v1.app import load

serve(load)
