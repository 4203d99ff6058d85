from services.common.server import serve
from services.frontend_v2.app import load

serve(load)
