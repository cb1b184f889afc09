from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_POST

from .models import Note


def index(request):
    return render(request, "notes/index.html", {"count": Note.objects.count()})


def note_detail(request, pk):
    note = get_object_or_404(Note, pk=pk)
    return JsonResponse({"id": note.pk, "text": note.text})


@require_POST
def create_note(request):
    text = request.POST.get("text", "").strip()
    if not text:
        return HttpResponse("text is required\n", status=400, content_type="text/plain")
    note = Note.objects.create(text=text[:200])
    return JsonResponse({"id": note.pk, "text": note.text}, status=201)
